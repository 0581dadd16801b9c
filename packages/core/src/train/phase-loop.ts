// PhaseLoop: the step loop shared by the search phase and every fixed-structure training phase, so
// both follow one protocol: step -> `step` event -> validation every `evalEvery` steps (and at the
// last step) -> best-score bookkeeping -> hook requests -> checkpoint. A stop request finishes the
// current step, writes a checkpoint and returns "stopped". Best scores start at -Infinity semantics
// (null), so all-negative metrics (Matthews) still get a best checkpoint (docs/METHOD.md §9).
import type { PhaseName } from "../events/events.js";
import type { HookRunner } from "../hooks/hook-runner.js";
import type { RunControl } from "../run/run-control.js";
import type { EvalScore } from "./evaluator.js";

export interface StepOutcome {
  /** Loss of the weight step. */
  readonly loss: number;
  /** Loss of the structure step (search). */
  readonly alphaLoss?: number;
  /** Learning rate used by the weight step. */
  readonly lr: number;
  /** Non-padding tokens processed in the step (for tokens/s). */
  readonly tokens: number;
}

/** Where a phase is: restored from a checkpoint on resume. */
export interface LoopProgress {
  /** Steps done. */
  readonly step: number;
  /** The best validation evaluation so far (a NaN score counts as -Infinity). */
  readonly best: { readonly score: number; readonly loss: number; readonly step: number } | null;
  readonly evalsSinceBest: number;
  /** Set when a hook ended the phase early. */
  readonly endedEarly: string | null;
}

export const FRESH_PROGRESS: LoopProgress = { step: 0, best: null, evalsSinceBest: 0, endedEarly: null };

/** LoopProgress with a JSON-safe best score (-Infinity, for a NaN metric, is saved as null). */
export type SavedProgress = Omit<LoopProgress, "best"> & {
  readonly best: { readonly score: number | null; readonly loss: number | null; readonly step: number } | null;
};

export function saveProgress(p: LoopProgress): SavedProgress {
  const finite = (x: number) => (Number.isFinite(x) ? x : null);
  return { ...p, best: p.best && { score: finite(p.best.score), loss: finite(p.best.loss), step: p.best.step } };
}

export function loadProgress(p: SavedProgress): LoopProgress {
  return { ...p, best: p.best && { score: p.best.score ?? -Infinity, loss: p.best.loss ?? Infinity, step: p.best.step } };
}


export interface PhaseLoopSpec {
  readonly phase: PhaseName;
  readonly totalSteps: number;
  /** Evaluate every N steps. */
  readonly evalEvery: number;
  readonly start: LoopProgress;
  /** One training step (1-based `step`). */
  step(step: number): Promise<StepOutcome>;
  /** Scores the current model on validation. */
  validate(): Promise<EvalScore>;
  /** Called when `step`'s validation `score` is the best so far: snapshot what is needed. */
  onBest(step: number, score: number): void;
  /** Extra events after the step event (gates, budget). */
  afterStep?(step: number, evaluated: boolean): Promise<void>;
  /** Writes a resumable checkpoint of the phase at `progress`. */
  checkpoint(progress: LoopProgress): Promise<void>;
}

export interface LoopResult {
  readonly status: "done" | "stopped";
  readonly progress: LoopProgress;
}

export class PhaseLoop {
  constructor(
    private readonly hooks: HookRunner,
    private readonly control: RunControl,
    /** The task metric's name, for `eval` events. */
    private readonly metric: string,
  ) {}

  async run(spec: PhaseLoopSpec): Promise<LoopResult> {
    let progress = spec.start;
    const total = spec.totalSteps;
    this.setProgress(spec, progress);
    while (progress.step < total && progress.endedEarly === null) {
      const k = progress.step + 1;
      const started = performance.now();
      const out = await spec.step(k);
      const seconds = Math.max(1e-9, (performance.now() - started) / 1000);
      progress = { ...progress, step: k };
      this.setProgress(spec, progress);
      await this.hooks.publish({
        type: "step",
        time: Date.now(),
        phase: spec.phase,
        step: k,
        totalSteps: total,
        loss: out.loss,
        ...(out.alphaLoss === undefined ? {} : { alphaLoss: out.alphaLoss }),
        lr: out.lr,
        tokensPerSecond: out.tokens / seconds,
      });
      // A macrotask turn after every step: the step itself is synchronous tensor work and the hooks
      // settle as microtasks, so without it timers, signals (Ctrl-C) and a UI in the same process
      // would wait for the whole run. Costs microseconds per step.
      await new Promise<void>((resolve) => setImmediate(resolve));

      // Evaluate on schedule, at the last step, and before a requested early end (so a best exists).
      const evaluate = k % spec.evalEvery === 0 || k === total || this.control.peekEndPhase() !== null;
      if (evaluate) {
        const v = await spec.validate();
        const comparable = Number.isNaN(v.score) ? -Infinity : v.score;
        // Ties on the metric (accuracy saturates on small splits) go to the lower validation loss.
        const isBest =
          progress.best === null ||
          comparable > progress.best.score ||
          (comparable === progress.best.score && v.loss < progress.best.loss);
        progress = isBest
          ? { ...progress, best: { score: comparable, loss: v.loss, step: k }, evalsSinceBest: 0 }
          : { ...progress, evalsSinceBest: progress.evalsSinceBest + 1 };
        if (isBest) spec.onBest(k, v.score);
        this.setProgress(spec, progress);
        await this.hooks.publish({
          type: "eval",
          time: Date.now(),
          phase: spec.phase,
          step: k,
          split: "validation",
          metric: this.metric,
          score: v.score,
          loss: v.loss,
          best: isBest,
        });
      }
      await spec.afterStep?.(k, evaluate);

      const endReason = this.control.takeEndPhaseRequest();
      if (endReason !== null) {
        progress = { ...progress, endedEarly: endReason };
        this.hooks.log(`${spec.phase} ended early at step ${k}: ${endReason}`);
      }
      const last = k === total || endReason !== null;
      if (this.control.takeCheckpointRequest() || last || this.control.stopping) await spec.checkpoint(progress);
      if (!last && this.control.stopping) return { status: "stopped", progress };
    }
    return { status: "done", progress };
  }

  private setProgress(spec: PhaseLoopSpec, p: LoopProgress): void {
    this.control.progress = {
      phase: spec.phase,
      step: p.step,
      totalSteps: spec.totalSteps,
      bestScore: p.best?.score ?? null,
      bestStep: p.best?.step ?? null,
      evalsSinceBest: p.evalsSinceBest,
    };
  }
}
