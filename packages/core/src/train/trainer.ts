// Trainer (docs/METHOD.md §6): trains one fixed structure with the re-training protocol every structure
// shares — searched, manual preset, random, full fine-tuning: a fresh backbone, fresh modules
// (seeded by candidate key, so the same structure gets the same init in `search` and `train`), gates
// fixed at 1, the whole training split, AdamW (each method's modules at its declared lr, the head at
// the run's lr, linear decay, clip 2.0), the task head trained alongside; the best validation
// checkpoint is kept and scored on test. Each batch is sharded
// over the run's data-parallel units (DataParallel); the optimiser lives on the main thread.
import type { LoadedCheckpoint } from "../run/checkpoint-store.js";
import type { EngineContext } from "../run/engine-context.js";
import type { SplitScores } from "../run/run-results.js";
import type { Candidate } from "../search/search-space.js";
import { AdamW } from "./adamw.js";
import { BatchStream, type BatchStreamState } from "./batch-stream.js";
import { initFromSaved } from "../export/saved-model.js";
import { DataParallel } from "./data-parallel.js";
import { applyGradients } from "./gradients.js";
import { methodRates } from "./method-rates.js";
import { FRESH_PROGRESS, type LoopProgress, type StepOutcome } from "./phase-loop.js";
import { PhaseState, type SavedPhaseState } from "./phase-state.js";
import { candidateRef, Replica } from "./replica.js";
import { countParams, seedFor, type ParamSnapshot, type TunedModel } from "./tuned-model.js";

/** The JSON part of a training checkpoint. */
export interface TrainCheckpointBody extends SavedPhaseState {
  readonly data: BatchStreamState;
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

/** One training phase's model, data and optimiser. */
interface TrainingSetup {
  readonly replica: Replica;
  readonly pool: DataParallel;
  readonly stream: BatchStream;
  readonly opt: AdamW;
  readonly state: PhaseState;
  readonly totalSteps: number;
}

export class Trainer {
  constructor(private readonly ctx: EngineContext) {}

  async run(input: TrainInput): Promise<TrainOutcome> {
    const { config, deps } = this.ctx;
    const replica = new Replica(deps, {
      seed: config.seed,
      seedLabels: { head: TRAIN_SEEDS.head, init: TRAIN_SEEDS.init },
      candidates: input.candidates.map(candidateRef),
      full: input.full,
      gates: null,
    });
    let pool: DataParallel | null = null;
    let opt: AdamW | null = null;
    try {
      pool = await DataParallel.start(replica, this.ctx.units.workers, deps.workerRecipe, replica.spec, this.ctx.units.microBatchSize);
      const stream = new BatchStream(Array.from({ length: deps.task.train.size }, (_, i) => i), config.batchSize, seedFor(config.seed, TRAIN_SEEDS.data));
      const totalSteps = Math.min(config.trainEpochs * stream.batchesPerEpoch, config.maxSteps ?? Infinity);
      const params = replica.params("weights", methodRates(config));
      opt = new AdamW(params, { lr: config.lr, weightDecay: config.weightDecay, maxGradNorm: config.maxGradNorm, totalSteps });
      const setup: TrainingSetup = { replica, pool, stream, opt, state: new PhaseState(params, { weights: opt }), totalSteps };
      return await this.train(input, setup);
    } finally {
      this.ctx.control.progress = null;
      opt?.dispose();
      await pool?.dispose();
      replica.dispose();
    }
  }

  /** Restore, the step loop, then the best checkpoint on test. */
  private async train(input: TrainInput, s: TrainingSetup): Promise<TrainOutcome> {
    const { hooks, loop, evaluator, config } = this.ctx;
    const model = s.replica.model;
    const headParams = countParams(model.headParams());
    const trainedParams = countParams(input.full ? model.backboneParams() : model.moduleParams());
    const start = this.restore(input, s);
    await hooks.publish({ type: "phase", time: Date.now(), phase: input.phase, totalSteps: s.totalSteps });

    const result = await loop.run({
      phase: input.phase,
      totalSteps: s.totalSteps,
      evalEvery: config.evalEvery ?? s.stream.batchesPerEpoch,
      start,
      step: (k) => this.step(input, s, k),
      validate: () => evaluator.evaluate("validation", s.pool, null),
      onBest: (_k, score) => s.state.markBest(score),
      checkpoint: (progress) => this.checkpoint(input, s, progress),
    });
    if (result.status === "stopped") return { status: "stopped", scores: null, steps: result.progress.step, trainedParams, headParams };

    s.state.restoreBest();
    s.pool.sync("weights");
    await hooks.publish({ type: "phase", time: Date.now(), phase: "test", totalSteps: 0 });
    const test = await evaluator.publishTest(hooks, "test", result.progress.best?.step ?? result.progress.step, s.pool, null);
    input.save(model);
    const scores = { validation: s.state.bestScore ?? NaN, test: test.score };
    return { status: "done", scores, steps: result.progress.step, trainedParams, headParams };
  }

  /** Values, moments, data order and best snapshot from the checkpoint (fresh without one). */
  private restore(input: TrainInput, s: TrainingSetup): LoopProgress {
    const saved = input.resume?.state.body.train;
    if (!saved) {
      if (input.init) {
        initFromSaved(s.replica.model, input.init, this.ctx.deps.methods);
        s.pool.sync("weights");
      }
      return FRESH_PROGRESS;
    }
    s.stream.restore(saved.data);
    const progress = s.state.restore(saved, input.resume!.tensors);
    s.pool.sync("weights");
    return progress;
  }

  /** One weight step on the next batch, sharded over the units. */
  private async step(input: TrainInput, s: TrainingSetup, k: number): Promise<StepOutcome> {
    const where = `${input.phase} step ${k}`;
    const lr = s.opt.lrNow();
    const g = await s.pool.gradients(s.stream.next(), { noise: null, wrt: "weights", step: k, pass: 0, where });
    const { loss } = applyGradients(s.opt, g, where);
    s.pool.sync("weights");
    return { loss, lr, tokens: g.tokens };
  }

  private async checkpoint(input: TrainInput, s: TrainingSetup, progress: LoopProgress): Promise<void> {
    const { state, tensors } = s.state.save(progress);
    await input.checkpoint(progress.step, { ...state, data: s.stream.state() }, tensors);
  }
}
