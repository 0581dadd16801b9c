// BiLevelSearch (docs/METHOD.md §4-§5): the search phase. Every candidate's module sits in one supernet,
// gated by z_i drawn from p_i = SGS(alpha)_i. The training split is halved at random (seeded) into
// W (module weights) and A (structure). Each step:
//   1. structure step on an A batch: minimise L w.r.t. alpha with module weights fixed — first order,
//      or second order (DARTS finite differences) with a virtual step of the *module and head*
//      weights only (the backbone is frozen, so it is never copied);
//   2. weight step on a W batch with fresh gate noise and the updated alpha (head trained too).
// Two AdamWs (weights: each method's declared lr, head at --lr; alpha 0.1; wd 0, linear decay, clip
// 2.0). The soft supernet (z = p) is evaluated on validation every `evalEvery` steps; the best
// checkpoint's alpha is the outcome.
import * as tf from "@tensorflow/tfjs";
import { inject, injectable } from "tsyringe";
import type { Backbone } from "../backbone/backbone.js";
import type { LabeledBatch } from "../task/task.js";
import { EngineDepsToken, RunConfigToken } from "../di/tokens.js";
import { S3petInputError } from "../errors/s3pet-error.js";
import { HookRunner } from "../hooks/hook-runner.js";
import type { CandidateState } from "../hooks/search-hook.js";
import { SeededRng, type RngState } from "../random/seeded-rng.js";
import { prefixed, unprefixed, type LoadedCheckpoint } from "../run/checkpoint-store.js";
import type { EngineDeps } from "../run/engine-deps.js";
import type { ResolvedRunConfig, SearchConfig } from "../run/run-config.js";
import { RunControl } from "../run/run-control.js";
import type { SplitScores } from "../run/run-results.js";
import { AdamW, type NamedParam } from "../train/adamw.js";
import { BatchStream, type BatchStreamState } from "../train/batch-stream.js";
import { Evaluator } from "../train/evaluator.js";
import { checkFinite, diverged, gradsOf, minimizeStep } from "../train/gradients.js";
import { methodRates } from "../train/method-rates.js";
import { FRESH_PROGRESS, loadProgress, PhaseLoop, saveProgress, type SavedProgress } from "../train/phase-loop.js";
import { taskLoss } from "../train/task-loss.js";
import { createModules, restoreParams, seedFor, snapshotParams, TunedModel, type ParamSnapshot } from "../train/tuned-model.js";
import { drawGateNoise, sampleConcreteGates } from "./sample-concrete-gates.js";
import type { SearchSpace } from "./search-space.js";
import { ShiftedGlobalSigmoid } from "./shifted-global-sigmoid.js";

/** The JSON part of a search checkpoint (tensors hold weights, alpha, moments, best snapshot). */
export interface SearchCheckpointBody {
  readonly loop: SavedProgress;
  readonly data: { readonly w: BatchStreamState; readonly a: BatchStreamState };
  readonly noise: RngState;
  readonly adamSteps: { readonly weights: number; readonly alpha: number };
  /** The raw validation score of the best checkpoint (NaN is saved as null). */
  readonly bestScore: number | null;
}

export interface SearchInput {
  /** The frozen backbone; disposed when the phase ends. */
  readonly backbone: Backbone;
  readonly space: SearchSpace;
  /** The SGS target sum n_i p_i (the budget, minus the head when it counts). */
  readonly budget: number;
  /** Parameters counted in the budget besides the candidates (the head with countHead): added to the
   *  `budget` event's budget and soft count, so they read in the user's terms. */
  readonly fixedParams: number;
  readonly resume: LoadedCheckpoint<{ search?: SearchCheckpointBody }> | null;
  /** Writes a checkpoint of the search phase at `step`. */
  checkpoint(step: number, body: SearchCheckpointBody, tensors: ParamSnapshot): Promise<void>;
}

export interface SearchOutcome {
  readonly status: "done" | "stopped";
  /** alpha, p, shift and soft count of the best checkpoint. */
  readonly alpha: readonly number[];
  readonly p: readonly number[];
  readonly shift: number;
  readonly soft: number;
  /** The soft supernet (z = p) at the best checkpoint; null when stopped. */
  readonly supernet: SplitScores | null;
  readonly steps: number;
}

@injectable()
export class BiLevelSearch {
  private readonly config: SearchConfig;

  constructor(
    @inject(EngineDepsToken) private readonly deps: EngineDeps,
    @inject(RunConfigToken) config: ResolvedRunConfig,
    @inject(PhaseLoop) private readonly loop: PhaseLoop,
    @inject(HookRunner) private readonly hooks: HookRunner,
    @inject(RunControl) private readonly control: RunControl,
    @inject(Evaluator) private readonly evaluator: Evaluator,
  ) {
    if (config.command !== "search") throw new Error("BiLevelSearch needs a search configuration");
    this.config = config;
  }

  async run(input: SearchInput): Promise<SearchOutcome> {
    const { config, deps } = this;
    const { space } = input;
    const task = deps.task;
    const C = space.size;
    const counts = space.counts();
    const sgs = new ShiftedGlobalSigmoid(counts, input.budget, { temperature: config.temperature, gradient: config.shiftGradient });

    // W/A halves of the training split (docs/METHOD.md §5): a seeded 50/50 split.
    if (task.train.size < 2) throw new S3petInputError(`the training split has ${task.train.size} example(s); the search needs at least 2 to halve it into W and A`);
    const order = new SeededRng(config.seed).fork("search:split").shuffle(Array.from({ length: task.train.size }, (_, i) => i));
    const half = Math.ceil(order.length / 2);
    const wStream = new BatchStream(order.slice(0, half), config.batchSize, seedFor(config.seed, "search:data:w"));
    const aStream = new BatchStream(order.slice(half), config.batchSize, seedFor(config.seed, "search:data:a"));
    let noise = new SeededRng(config.seed).fork("search:gate-noise");

    const head = deps.createHead(task.objective.numLabels, { seed: seedFor(config.seed, "search:head") });
    let model: TunedModel;
    try {
      model = new TunedModel(input.backbone, head, createModules(space.candidates, config.seed, "search:init"));
    } catch (error) {
      head.dispose();
      input.backbone.dispose();
      throw error;
    }
    const alpha = tf.tidy(() => tf.variable(tf.zeros([C]), true)) as tf.Variable<tf.Rank.R1>; // [C], alpha_i = 0 at the start (docs/METHOD.md §3)
    const alphaParams: NamedParam[] = [{ key: "alpha", variable: alpha }];
    const weightParams = model.weightParams(methodRates(config));
    const totalSteps = Math.min(config.searchEpochs * wStream.batchesPerEpoch, config.maxSteps ?? Infinity);
    const weightOpt = new AdamW(weightParams, { lr: config.lr, weightDecay: config.weightDecay, maxGradNorm: config.maxGradNorm, totalSteps });
    const alphaOpt = new AdamW(alphaParams, { lr: config.alphaLr, weightDecay: 0, maxGradNorm: config.maxGradNorm, totalSteps });
    const infos = space.info();
    const alphaHost = () => Array.from(alpha.dataSync());

    try {
      // Resume: weights, alpha, moments, data order, noise state and best snapshot.
      let start = FRESH_PROGRESS;
      let best: ParamSnapshot | null = null;
      let bestScore: number | null = null;
      const saved = input.resume?.state.body.search;
      if (input.resume && saved) {
        const t = input.resume.tensors;
        restoreParams([...weightParams, ...alphaParams], unprefixed("current/", t), "checkpoint");
        weightOpt.loadState({ t: saved.adamSteps.weights, m: unprefixed("adam.weights.m/", t), v: unprefixed("adam.weights.v/", t) });
        alphaOpt.loadState({ t: saved.adamSteps.alpha, m: unprefixed("adam.alpha.m/", t), v: unprefixed("adam.alpha.v/", t) });
        wStream.restore(saved.data.w);
        aStream.restore(saved.data.a);
        noise = SeededRng.fromState(saved.noise);
        start = loadProgress(saved.loop);
        const b = unprefixed("best/", t);
        best = Object.keys(b).length ? b : null;
        bestScore = saved.bestScore;
      }

      sgs.solve(alphaHost());
      this.control.candidateSource = (): CandidateState[] => {
        const a = alphaHost();
        const p = sgs.solve(a).p;
        return infos.map((c, i) => ({ ...c, alpha: a[i]!, p: p[i]! }));
      };
      await this.hooks.publish({ type: "phase", time: Date.now(), phase: "search", totalSteps });

      const lossOn = (batch: LabeledBatch, gates: tf.Tensor1D): tf.Scalar => taskLoss(task.objective, model.forward(batch, gates), batch.labels);
      const tokensOf = (b: LabeledBatch) => b.attentionMask.reduce((s, v) => s + v, 0);
      const stepLabel = (k: number, what: string) => `search step ${k} (${what})`;

      const result = await this.loop.run({
        phase: "search",
        totalSteps,
        evalEvery: config.evalEvery ?? wStream.batchesPerEpoch,
        start,
        step: (k) => {
          model.setTraining(true, k);
          const aBatch = task.train.batch(aStream.next());
          const wBatch = task.train.batch(wStream.next());
          // 1. structure step on A (module weights fixed)
          const uA = drawGateNoise(C, () => noise.next());
          const alphaLoss =
            config.order === "second"
              ? this.secondOrderStructureStep(k, weightParams, alpha, alphaOpt, weightOpt, (key) => model.setTraining(true, key), lossOn, sgs, aBatch, wBatch, uA)
              : minimizeStep(alphaOpt, () => lossOn(aBatch, sampleConcreteGates(sgs.probabilities(alpha), uA, config.hardGates)), stepLabel(k, "structure step"));
          // 2. weight step on W with fresh noise and the updated alpha
          const uW = drawGateNoise(C, () => noise.next());
          const lr = weightOpt.lrNow();
          const loss = minimizeStep(weightOpt, () => lossOn(wBatch, sampleConcreteGates(sgs.probabilities(alpha), uW, config.hardGates)), stepLabel(k, "weight step"));
          model.setTraining(false);
          return { loss, alphaLoss, lr, tokens: tokensOf(aBatch) + tokensOf(wBatch) };
        },
        validate: () => {
          const pHost = Float32Array.from(sgs.solve(alphaHost()).p);
          return this.evaluator.evaluate("validation", (batch) => model.forward(batch, tf.tensor1d(pHost)));
        },
        onBest: (_k, score) => {
          best = snapshotParams([...weightParams, ...alphaParams]);
          bestScore = score;
        },
        afterStep: async (k, evaluated) => {
          if (k % config.gatesEvery !== 0 && !evaluated && k !== totalSteps) return;
          const a = alphaHost();
          const s = sgs.solve(a);
          await this.hooks.publish({ type: "gates", time: Date.now(), step: k, p: Array.from(s.p), alpha: a });
          const fixed = input.fixedParams;
          await this.hooks.publish({ type: "budget", time: Date.now(), step: k, budget: input.budget + fixed, soft: s.soft + fixed, shift: s.shift });
        },
        checkpoint: async (progress) => {
          const tensors: ParamSnapshot = {
            ...prefixed("current/", snapshotParams([...weightParams, ...alphaParams])),
            ...prefixed("adam.weights.m/", weightOpt.state().m),
            ...prefixed("adam.weights.v/", weightOpt.state().v),
            ...prefixed("adam.alpha.m/", alphaOpt.state().m),
            ...prefixed("adam.alpha.v/", alphaOpt.state().v),
            ...(best ? prefixed("best/", best) : {}),
          };
          const body: SearchCheckpointBody = {
            loop: saveProgress(progress),
            data: { w: wStream.state(), a: aStream.state() },
            noise: noise.getState(),
            adamSteps: { weights: weightOpt.step, alpha: alphaOpt.step },
            bestScore: bestScore !== null && Number.isFinite(bestScore) ? bestScore : null,
          };
          await input.checkpoint(progress.step, body, tensors);
        },
      });

      this.control.candidateSource = null;
      if (result.status === "stopped") {
        const s = sgs.solve(alphaHost());
        return { status: "stopped", alpha: alphaHost(), p: Array.from(s.p), shift: s.shift, soft: s.soft, supernet: null, steps: result.progress.step };
      }
      // The outcome is the best checkpoint: its alpha for discretisation, its supernet for scores.
      if (best) restoreParams([...weightParams, ...alphaParams], best, "best checkpoint");
      const a = alphaHost();
      const s = sgs.solve(a);
      const pHost = Float32Array.from(s.p);
      const step = result.progress.best?.step ?? result.progress.step;
      const test = await this.evaluator.publishTest(this.hooks, "search", step, (batch) => model.forward(batch, tf.tensor1d(pHost)));
      return {
        status: "done",
        alpha: a,
        p: Array.from(s.p),
        shift: s.shift,
        soft: s.soft,
        supernet: { validation: bestScore ?? NaN, test: test.score },
        steps: result.progress.step,
      };
    } finally {
      this.control.candidateSource = null;
      this.control.progress = null;
      weightOpt.dispose();
      alphaOpt.dispose();
      alpha.dispose();
      model.dispose();
    }
  }

  /**
   * DARTS second order (docs/METHOD.md §5): grad_alpha L_A(w', alpha) - (grad_alpha L_W(w+, alpha) -
   * grad_alpha L_W(w-, alpha)) / (2 eps). The virtual step w' = w - u is the weight optimiser's own
   * next update u (AdamW: moments, per-group lr, clipping), not an SGD step, so w' is where the
   * weights really go. The Hessian term's direction is xi * grad_w' L_A(w', alpha) with xi each
   * weight's own learning rate, w+- = w +- eps * that direction, eps = 0.01 / |direction|.
   * The three L_W passes (virtual step, w+, w-) draw identical dropout masks (`setMasks(-k)` before
   * each), so the finite difference sees one function; the A pass (second forward of key -k) and
   * the weight step after it (first forward of key k) draw masks of their own. Only the module and head weights are perturbed and restored; the frozen
   * backbone is shared.
   */
  private secondOrderStructureStep(
    k: number,
    weightParams: readonly NamedParam[],
    alpha: tf.Variable<tf.Rank.R1>,
    alphaOpt: AdamW,
    weightOpt: AdamW,
    setMasks: (key: number) => void,
    lossOn: (b: LabeledBatch, gates: tf.Tensor1D) => tf.Scalar,
    sgs: ShiftedGlobalSigmoid,
    aBatch: LabeledBatch,
    wBatch: LabeledBatch,
    u: Float32Array,
  ): number {
    const where = `search step ${k} (second-order structure step)`;
    const hard = this.config.hardGates;
    const vars = weightParams.map((p) => p.variable);
    const gated = (b: LabeledBatch) => () => lossOn(b, sampleConcreteGates(sgs.probabilities(alpha), u, hard));
    const wPass = (): (() => tf.Scalar) => {
      setMasks(-k); // the same masks for every L_W pass of this step
      return gated(wBatch);
    };
    return tf.tidy(() => {
      const saved = vars.map((v) => tf.clone(v));
      const setWeights = (values: readonly tf.Tensor[]) => vars.forEach((v, i) => v.assign(values[i]!));
      try {
        // virtual step on W with the optimiser's own update
        const gTrain = gradsOf(wPass(), vars, where).grads;
        const update = weightOpt.peekUpdate(gTrain);
        setWeights(vars.map((v, i) => (update[v.name] ? tf.sub(saved[i]!, update[v.name]!) : saved[i]!)));
        // gradients of L_A at w' (the second forward of key -k: masks of its own)
        const { value, grads } = gradsOf(gated(aBatch), [...vars, alpha], where);
        const loss = checkFinite(value.dataSync()[0]!, where);
        const dAlpha = grads[alpha.name]!;
        const direction = weightParams.map((p) => tf.mul(grads[p.variable.name] ?? tf.zerosLike(p.variable), weightOpt.lrOf(p)));
        const norm = Math.sqrt(tf.addN(direction.map((d) => tf.sum(tf.square(d)))).dataSync()[0]!);
        checkFinite(norm, where, "gradient norm");
        let hessian: tf.Tensor = tf.zerosLike(alpha);
        if (norm > 0) {
          const eps = 0.01 / norm;
          setWeights(saved.map((w, i) => tf.add(w, tf.mul(direction[i]!, eps))));
          const gPlus = gradsOf(wPass(), [alpha], where).grads[alpha.name]!;
          setWeights(saved.map((w, i) => tf.sub(w, tf.mul(direction[i]!, eps))));
          const gMinus = gradsOf(wPass(), [alpha], where).grads[alpha.name]!;
          hessian = tf.div(tf.sub(gPlus, gMinus), 2 * eps);
        }
        setWeights(saved);
        alphaOpt.apply({ [alpha.name]: tf.sub(dAlpha, hessian) }, (n) => { throw diverged(n, where, "gradient norm"); });
        return loss;
      } finally {
        setWeights(saved);
        setMasks(k);
      }
    });
  }
}
