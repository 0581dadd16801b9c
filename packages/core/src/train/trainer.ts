// Trainer (docs/METHOD.md §6): trains one fixed structure with the re-training protocol every structure
// shares — searched, manual preset, random, full fine-tuning: a fresh backbone, fresh modules
// (seeded by candidate key, so the same structure gets the same init in `search` and `train`), gates
// fixed at 1, the whole training split, AdamW (each method's modules at its declared lr, the head at
// the run's lr, linear decay, clip 2.0), the task head trained alongside; the best validation
// checkpoint is kept and scored on test.
import { inject, injectable } from "tsyringe";
import type { LabeledBatch } from "../task/task.js";
import { EngineDepsToken, RunConfigToken } from "../di/tokens.js";
import { HookRunner } from "../hooks/hook-runner.js";
import { prefixed, unprefixed, type LoadedCheckpoint } from "../run/checkpoint-store.js";
import type { EngineDeps } from "../run/engine-deps.js";
import type { ResolvedRunConfig } from "../run/run-config.js";
import { RunControl } from "../run/run-control.js";
import type { SplitScores } from "../run/run-results.js";
import type { Candidate } from "../search/search-space.js";
import { AdamW } from "./adamw.js";
import { BatchStream, type BatchStreamState } from "./batch-stream.js";
import { Evaluator } from "./evaluator.js";
import { minimizeStep } from "./gradients.js";
import { FrozenPrefix } from "./frozen-prefix.js";
import { methodRates } from "./method-rates.js";
import { FRESH_PROGRESS, loadProgress, PhaseLoop, saveProgress, type SavedProgress } from "./phase-loop.js";
import { taskLoss } from "./task-loss.js";
import { initFromSaved } from "../export/saved-model.js";
import { countParams, createModules, restoreParams, seedFor, snapshotParams, TunedModel, type ParamSnapshot } from "./tuned-model.js";

/** The JSON part of a training checkpoint. */
export interface TrainCheckpointBody {
  readonly loop: SavedProgress;
  readonly data: BatchStreamState;
  readonly adamSteps: number;
  readonly bestScore: number | null;
}

export interface TrainInput {
  readonly phase: "retrain" | "train";
  /** The structure (empty for full fine-tuning). */
  readonly candidates: readonly Candidate[];
  /** Full fine-tuning: the backbone is created trainable and trained with the head. */
  readonly full: boolean;
  readonly resume: LoadedCheckpoint<{ train?: TrainCheckpointBody }> | null;
  /** A PEFT adapter or run directory to initialise the modules (and the head) from on a fresh start. */
  readonly init?: string | null;
  checkpoint(step: number, body: TrainCheckpointBody, tensors: ParamSnapshot): Promise<void>;
  /** Called with the best model before it is disposed (writes adapter/). */
  save(model: TunedModel): void;
}

export interface TrainOutcome {
  readonly status: "done" | "stopped";
  readonly scores: SplitScores | null;
  readonly steps: number;
  /** Trainable parameters besides the head: module parameters, or the backbone's for full fine-tuning. */
  readonly trainedParams: number;
  readonly headParams: number;
}

/** Seed labels shared by every fixed-structure training (the "same protocol and seeds"). */
export const TRAIN_SEEDS = { head: "train:head", init: "train:init", data: "train:data" } as const;

@injectable()
export class Trainer {
  constructor(
    @inject(EngineDepsToken) private readonly deps: EngineDeps,
    @inject(RunConfigToken) private readonly config: ResolvedRunConfig,
    @inject(PhaseLoop) private readonly loop: PhaseLoop,
    @inject(HookRunner) private readonly hooks: HookRunner,
    @inject(RunControl) private readonly control: RunControl,
    @inject(Evaluator) private readonly evaluator: Evaluator,
  ) {}

  async run(input: TrainInput): Promise<TrainOutcome> {
    const { config, deps } = this;
    const task = deps.task;
    const backbone = deps.createBackbone({ trainable: input.full });
    let model: TunedModel;
    try {
      const head = deps.createHead(task.objective.numLabels, { seed: seedFor(config.seed, TRAIN_SEEDS.head) });
      try {
        model = new TunedModel(backbone, head, createModules(input.candidates, config.seed, TRAIN_SEEDS.init));
      } catch (error) {
        head.dispose();
        throw error;
      }
    } catch (error) {
      backbone.dispose();
      throw error;
    }
    const params = model.weightParams(methodRates(config));
    const stream = new BatchStream(
      Array.from({ length: task.train.size }, (_, i) => i),
      config.batchSize,
      seedFor(config.seed, TRAIN_SEEDS.data),
    );
    const totalSteps = Math.min(config.trainEpochs * stream.batchesPerEpoch, config.maxSteps ?? Infinity);
    const opt = new AdamW(params, { lr: config.lr, weightDecay: config.weightDecay, maxGradNorm: config.maxGradNorm, totalSteps });
    // Layers below the lowest module: run once per example, outside the tape (null: nothing to skip).
    const prefix = input.full ? null : FrozenPrefix.of(backbone, input.candidates, task.train.size);
    const headParams = countParams(model.headParams());
    const trainedParams = input.full ? countParams(model.backboneParams()) : countParams(model.moduleParams());

    try {
      let start = FRESH_PROGRESS;
      let best: ParamSnapshot | null = null;
      let bestScore: number | null = null;
      const saved = input.resume?.state.body.train;
      if (input.resume && saved) {
        const t = input.resume.tensors;
        restoreParams(params, unprefixed("current/", t), "checkpoint");
        opt.loadState({ t: saved.adamSteps, m: unprefixed("adam.m/", t), v: unprefixed("adam.v/", t) });
        stream.restore(saved.data);
        start = loadProgress(saved.loop);
        const b = unprefixed("best/", t);
        best = Object.keys(b).length ? b : null;
        bestScore = saved.bestScore;
      } else if (input.init) {
        initFromSaved(model, input.init, deps.methods);
      }
      await this.hooks.publish({ type: "phase", time: Date.now(), phase: input.phase, totalSteps });
      const label = (k: number) => `${input.phase} step ${k}`;

      const result = await this.loop.run({
        phase: input.phase,
        totalSteps,
        evalEvery: config.evalEvery ?? stream.batchesPerEpoch,
        start,
        step: (k) => {
          const indices = stream.next();
          const batch: LabeledBatch = task.train.batch(indices);
          const lr = opt.lrNow();
          const from = prefix?.hiddenAt(batch, indices);
          model.setTraining(true, k);
          let loss: number;
          try {
            loss = minimizeStep(opt, () => taskLoss(task.objective, model.forward(batch, null, from), batch.labels), label(k));
          } finally {
            model.setTraining(false);
            from?.hidden.dispose();
          }
          return { loss, lr, tokens: batch.attentionMask.reduce((s, v) => s + v, 0) };
        },
        validate: () => this.evaluator.evaluate("validation", (batch) => model.forward(batch, null)),
        onBest: (_k, score) => {
          best = snapshotParams(params);
          bestScore = score;
        },
        checkpoint: async (progress) => {
          const state = opt.state();
          const tensors: ParamSnapshot = {
            ...prefixed("current/", snapshotParams(params)),
            ...prefixed("adam.m/", state.m),
            ...prefixed("adam.v/", state.v),
            ...(best ? prefixed("best/", best) : {}),
          };
          await input.checkpoint(progress.step, {
            loop: saveProgress(progress),
            data: stream.state(),
            adamSteps: opt.step,
            bestScore: bestScore !== null && Number.isFinite(bestScore) ? bestScore : null,
          }, tensors);
        },
      });
      if (result.status === "stopped") return { status: "stopped", scores: null, steps: result.progress.step, trainedParams, headParams };

      if (best) restoreParams(params, best, "best checkpoint");
      await this.hooks.publish({ type: "phase", time: Date.now(), phase: "test", totalSteps: 0 });
      const step = result.progress.best?.step ?? result.progress.step;
      const test = await this.evaluator.publishTest(this.hooks, "test", step, (batch) => model.forward(batch, null));
      input.save(model);
      return { status: "done", scores: { validation: bestScore ?? NaN, test: test.score }, steps: result.progress.step, trainedParams, headParams };
    } finally {
      this.control.progress = null;
      opt.dispose();
      model.dispose();
    }
  }
}
