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
// Every gradient is taken over the run's data-parallel units (DataParallel); the main thread owns
// alpha's and the weights' optimisers, the data order and the gate noise.
import * as tf from "@tensorflow/tfjs";
import type { Backbone } from "../backbone/backbone.js";
import { S3petInputError } from "../errors/s3pet-error.js";
import type { CandidateState } from "../hooks/search-hook.js";
import { SeededRng, type RngState } from "../random/seeded-rng.js";
import type { LoadedCheckpoint } from "../run/checkpoint-store.js";
import type { EngineContext } from "../run/engine-context.js";
import type { SearchConfig } from "../run/run-config.js";
import type { SplitScores } from "../run/run-results.js";
import { AdamW } from "../train/adamw.js";
import { BatchStream, type BatchStreamState } from "../train/batch-stream.js";
import { DataParallel } from "../train/data-parallel.js";
import { applyGradients, checkFinite, diverged } from "../train/gradients.js";
import { methodRates } from "../train/method-rates.js";
import { FRESH_PROGRESS, type LoopProgress, type StepOutcome } from "../train/phase-loop.js";
import { PhaseState, type SavedPhaseState } from "../train/phase-state.js";
import { candidateRef, Replica } from "../train/replica.js";
import { seedFor, type ParamSnapshot } from "../train/tuned-model.js";
import { drawGateNoise } from "./sample-concrete-gates.js";
import type { SearchSpace } from "./search-space.js";

/** The JSON part of a search checkpoint (tensors hold weights, alpha, moments, best snapshot). */
export interface SearchCheckpointBody extends SavedPhaseState {
  readonly data: { readonly w: BatchStreamState; readonly a: BatchStreamState };
  readonly noise: RngState;
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

/** The supernet, its data halves, optimisers and noise during one search. */
interface SearchSetup {
  readonly replica: Replica;
  readonly pool: DataParallel;
  readonly wStream: BatchStream;
  readonly aStream: BatchStream;
  noise: SeededRng;
  readonly weightOpt: AdamW;
  readonly alphaOpt: AdamW;
  readonly state: PhaseState;
  readonly totalSteps: number;
}

export class BiLevelSearch {
  constructor(
    private readonly ctx: EngineContext,
    private readonly config: SearchConfig,
  ) {}

  async run(input: SearchInput): Promise<SearchOutcome> {
    const { config } = this;
    const task = this.ctx.deps.task;
    // W/A halves of the training split (docs/METHOD.md §5): a seeded 50/50 split.
    if (task.train.size < 2) {
      input.backbone.dispose();
      throw new S3petInputError(`the training split has ${task.train.size} example(s); the search needs at least 2 to halve it into W and A`);
    }
    const replica = new Replica(
      this.ctx.deps,
      {
        seed: config.seed,
        seedLabels: { head: "search:head", init: "search:init" },
        candidates: input.space.candidates.map(candidateRef),
        full: false,
        gates: { budget: input.budget, temperature: config.temperature, shiftGradient: config.shiftGradient, hardGates: config.hardGates },
      },
      input.backbone,
    );
    const order = new SeededRng(config.seed).fork("search:split").shuffle(Array.from({ length: task.train.size }, (_, i) => i));
    const half = Math.ceil(order.length / 2);
    const wStream = new BatchStream(order.slice(0, half), config.batchSize, seedFor(config.seed, "search:data:w"));
    const aStream = new BatchStream(order.slice(half), config.batchSize, seedFor(config.seed, "search:data:a"));
    const totalSteps = Math.min(config.searchEpochs * wStream.batchesPerEpoch, config.maxSteps ?? Infinity);
    const weightOpt = new AdamW(replica.params("weights", methodRates(config)), { lr: config.lr, weightDecay: config.weightDecay, maxGradNorm: config.maxGradNorm, totalSteps });
    const alphaOpt = new AdamW(replica.params("alpha"), { lr: config.alphaLr, weightDecay: 0, maxGradNorm: config.maxGradNorm, totalSteps });
    let pool: DataParallel | null = null;
    try {
      pool = await DataParallel.start(replica, this.ctx.units.workers, this.ctx.deps.workerRecipe, replica.spec, this.ctx.units.microBatchSize);
      const state = new PhaseState(replica.params("all"), { weights: weightOpt, alpha: alphaOpt });
      const noise = new SeededRng(config.seed).fork("search:gate-noise");
      return await this.search(input, { replica, pool, wStream, aStream, noise, weightOpt, alphaOpt, state, totalSteps });
    } finally {
      this.ctx.control.candidateSource = null;
      this.ctx.control.progress = null;
      weightOpt.dispose();
      alphaOpt.dispose();
      await pool?.dispose();
      replica.dispose();
    }
  }

  /** Restore, the step loop, then the best checkpoint's supernet on test. */
  private async search(input: SearchInput, s: SearchSetup): Promise<SearchOutcome> {
    const { hooks, loop, evaluator, control } = this.ctx;
    const start = this.restore(input, s);
    const infos = input.space.info();
    const sgs = s.replica.gateSolver;
    control.candidateSource = (): CandidateState[] => {
      const a = alphaHost(s);
      const p = sgs.solve(a).p;
      return infos.map((c, i) => ({ ...c, alpha: a[i]!, p: p[i]! }));
    };
    await hooks.publish({ type: "phase", time: Date.now(), phase: "search", totalSteps: s.totalSteps });

    const result = await loop.run({
      phase: "search",
      totalSteps: s.totalSteps,
      evalEvery: this.config.evalEvery ?? s.wStream.batchesPerEpoch,
      start,
      step: (k) => this.step(s, k),
      validate: () => evaluator.evaluate("validation", s.pool, Float32Array.from(sgs.solve(alphaHost(s)).p)),
      onBest: (_k, score) => s.state.markBest(score),
      afterStep: (k, evaluated) => this.publishGates(input, s, k, evaluated),
      checkpoint: (progress) => this.checkpoint(input, s, progress),
    });
    control.candidateSource = null;
    if (result.status === "stopped") {
      const a = alphaHost(s);
      const sol = sgs.solve(a);
      return { status: "stopped", alpha: a, p: Array.from(sol.p), shift: sol.shift, soft: sol.soft, supernet: null, steps: result.progress.step };
    }
    // The outcome is the best checkpoint: its alpha for discretisation, its supernet for scores.
    s.state.restoreBest();
    s.pool.sync("all");
    const a = alphaHost(s);
    const sol = sgs.solve(a);
    const test = await evaluator.publishTest(hooks, "search", result.progress.best?.step ?? result.progress.step, s.pool, Float32Array.from(sol.p));
    const supernet = { validation: s.state.bestScore ?? NaN, test: test.score };
    return { status: "done", alpha: a, p: Array.from(sol.p), shift: sol.shift, soft: sol.soft, supernet, steps: result.progress.step };
  }

  /** Weights, alpha, moments, data order, noise state and best snapshot from the checkpoint. */
  private restore(input: SearchInput, s: SearchSetup): LoopProgress {
    const saved = input.resume?.state.body.search;
    if (!saved) return FRESH_PROGRESS;
    s.wStream.restore(saved.data.w);
    s.aStream.restore(saved.data.a);
    s.noise = SeededRng.fromState(saved.noise);
    const progress = s.state.restore(saved, input.resume!.tensors);
    s.pool.sync("all");
    return progress;
  }

  /** 1. the structure step on an A batch, 2. the weight step on a W batch with fresh noise. */
  private async step(s: SearchSetup, k: number): Promise<StepOutcome> {
    const C = s.replica.params("alpha")[0]!.variable.size;
    const aBatch = s.aStream.next();
    const wBatch = s.wStream.next();
    const uA = drawGateNoise(C, () => s.noise.next());
    const structure =
      this.config.order === "second"
        ? await this.secondOrderStructureStep(s, k, aBatch, wBatch, uA)
        : await this.structureStep(s, k, aBatch, uA);
    const uW = drawGateNoise(C, () => s.noise.next());
    const lr = s.weightOpt.lrNow();
    const where = `search step ${k} (weight step)`;
    const g = await s.pool.gradients(wBatch, { noise: uW, wrt: "weights", step: k, pass: 1, where });
    const { loss } = applyGradients(s.weightOpt, g, where);
    s.pool.sync("weights");
    return { loss, alphaLoss: structure.loss, lr, tokens: structure.tokens + g.tokens };
  }

  /** First order: minimise the A batch's loss w.r.t. alpha with the module weights fixed. */
  private async structureStep(s: SearchSetup, k: number, aBatch: readonly number[], u: Float32Array): Promise<{ loss: number; tokens: number }> {
    const where = `search step ${k} (structure step)`;
    const g = await s.pool.gradients(aBatch, { noise: u, wrt: "alpha", step: k, pass: 0, where });
    const { loss } = applyGradients(s.alphaOpt, g, where);
    s.pool.sync("alpha");
    return { loss, tokens: g.tokens };
  }

  /**
   * DARTS second order (docs/METHOD.md §5): grad_alpha L_A(w', alpha) - (grad_alpha L_W(w+, alpha) -
   * grad_alpha L_W(w-, alpha)) / (2 eps). The virtual step w' = w - u is the weight optimiser's own
   * next update u (AdamW: moments, per-group lr, clipping; `peekUpdate`), not an SGD step, so w' is
   * where the weights really go. The Hessian term's direction is xi * grad_w' L_A(w', alpha) with xi
   * each weight's own learning rate, w+- = w +- eps * that direction, eps = 0.01 / |direction|.
   * The three L_W passes (virtual step, w+, w-) share one pass number, so they draw identical
   * per-example dropout masks and the finite difference sees one function; the A pass and the weight
   * step draw masks of their own. Only the module and head weights are perturbed (on every unit) and
   * restored; the frozen backbone is shared.
   */
  private async secondOrderStructureStep(
    s: SearchSetup,
    k: number,
    aBatch: readonly number[],
    wBatch: readonly number[],
    u: Float32Array,
  ): Promise<{ loss: number; tokens: number }> {
    const where = `search step ${k} (second-order structure step)`;
    const params = s.weightOpt.params; // with their groups' learning rates
    const alpha = s.replica.params("alpha")[0]!.variable;
    const saved = params.map((p) => tf.clone(p.variable));
    const owned: tf.Tensor[] = [...saved];
    const setWeights = (values: (i: number) => tf.Tensor) => {
      tf.tidy(() => params.forEach((p, i) => p.variable.assign(values(i))));
      s.pool.sync("weights");
    };
    const grad = (batch: readonly number[], wrt: "weights" | "alpha" | "all", pass: number) => s.pool.gradients(batch, { noise: u, wrt, step: k, pass, where });
    const W_PASS = 2; // the virtual step, w+ and w-: the same masks
    try {
      // virtual step on W with the optimiser's own update
      const gTrain = await grad(wBatch, "weights", W_PASS);
      owned.push(...Object.values(gTrain.grads));
      const byName: tf.NamedTensorMap = {};
      for (const p of params) if (gTrain.grads[p.key]) byName[p.variable.name] = gTrain.grads[p.key]!;
      const update = tf.tidy(() => s.weightOpt.peekUpdate(byName));
      owned.push(...Object.values(update));
      setWeights((i) => (update[params[i]!.variable.name] ? tf.sub(saved[i]!, update[params[i]!.variable.name]!) : saved[i]!));
      // gradients of L_A at w' (masks of its own)
      const gA = await grad(aBatch, "all", 3);
      owned.push(...Object.values(gA.grads));
      const loss = checkFinite(gA.loss, where);
      const direction = params.map((p) => {
        const g = gA.grads[p.key];
        return g ? tf.mul(g, s.weightOpt.lrOf(p)) : null;
      });
      owned.push(...direction.filter((d): d is tf.Tensor => d !== null));
      const norm = tf.tidy(() => {
        const squares = direction.flatMap((d) => (d ? [tf.sum(tf.square(d))] : []));
        return squares.length ? Math.sqrt(tf.addN(squares).dataSync()[0]!) : 0;
      });
      checkFinite(norm, where, "gradient norm");
      let hessian: tf.Tensor = tf.zerosLike(alpha);
      owned.push(hessian);
      if (norm > 0) {
        const eps = 0.01 / norm;
        const shifted = (sign: number) => (i: number) => (direction[i] ? tf.add(saved[i]!, tf.mul(direction[i]!, sign * eps)) : saved[i]!);
        setWeights(shifted(1));
        const gPlus = await grad(wBatch, "alpha", W_PASS);
        owned.push(...Object.values(gPlus.grads));
        setWeights(shifted(-1));
        const gMinus = await grad(wBatch, "alpha", W_PASS);
        owned.push(...Object.values(gMinus.grads));
        const zeros = tf.zerosLike(alpha);
        owned.push(zeros);
        hessian = tf.tidy(() => tf.div(tf.sub(gPlus.grads["alpha"] ?? zeros, gMinus.grads["alpha"] ?? zeros), 2 * eps));
        owned.push(hessian);
      }
      setWeights((i) => saved[i]!);
      const dAlpha = gA.grads["alpha"];
      if (dAlpha) {
        tf.tidy(() => {
          s.alphaOpt.apply({ [alpha.name]: tf.sub(dAlpha, hessian) }, (n) => { throw diverged(n, where, "gradient norm"); });
        });
        s.pool.sync("alpha");
      }
      return { loss, tokens: gA.tokens };
    } finally {
      setWeights((i) => saved[i]!);
      tf.dispose(owned);
    }
  }

  /** `gates` and `budget` events every `gatesEvery` steps, at evaluations and at the last step. */
  private async publishGates(input: SearchInput, s: SearchSetup, k: number, evaluated: boolean): Promise<void> {
    if (k % this.config.gatesEvery !== 0 && !evaluated && k !== s.totalSteps) return;
    const a = alphaHost(s);
    const sol = s.replica.gateSolver.solve(a);
    const { hooks } = this.ctx;
    await hooks.publish({ type: "gates", time: Date.now(), step: k, p: Array.from(sol.p), alpha: a });
    const fixed = input.fixedParams;
    await hooks.publish({ type: "budget", time: Date.now(), step: k, budget: input.budget + fixed, soft: sol.soft + fixed, shift: sol.shift });
  }

  private async checkpoint(input: SearchInput, s: SearchSetup, progress: LoopProgress): Promise<void> {
    const { state, tensors } = s.state.save(progress);
    await input.checkpoint(progress.step, { ...state, data: { w: s.wStream.state(), a: s.aStream.state() }, noise: s.noise.getState() }, tensors);
  }
}

function alphaHost(s: SearchSetup): number[] {
  return Array.from(s.replica.params("alpha")[0]!.variable.dataSync());
}
