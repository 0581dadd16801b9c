// RunSession: the wall clock of a run across resumes and the one way checkpoints are written, so
// every checkpoint is followed by its `checkpoint` event (and the onCheckpoint hooks).
import type { PhaseName } from "../events/events.js";
import type { HookRunner } from "../hooks/hook-runner.js";
import type { ParamSnapshot } from "../train/tuned-model.js";
import type { CheckpointStore } from "./checkpoint-store.js";
import type { RunDir } from "./run-dir.js";
import type { RunResult } from "./run-handle.js";
import type { RunResults } from "./run-results.js";

export class RunSession {
  private readonly startedAt = performance.now();
  /** Milliseconds the run spent in earlier sessions (restored on resume). */
  elapsedBefore = 0;

  constructor(
    readonly store: CheckpointStore,
    private readonly hooks: HookRunner,
    private readonly runDir: RunDir,
  ) {}

  elapsedMs(): number {
    return this.elapsedBefore + (performance.now() - this.startedAt);
  }

  async checkpoint<B>(phase: PhaseName | "done", eventPhase: PhaseName, step: number, body: B, tensors: ParamSnapshot): Promise<void> {
    const path = this.store.save(phase, step, Math.round(this.elapsedMs()), body, tensors);
    await this.hooks.publish({ type: "checkpoint", time: Date.now(), phase: eventPhase, step, path });
  }

  /** Publishes run-end (done or stopped, with the scores when there are results). */
  async end(status: "done" | "stopped", results: RunResults | null): Promise<RunResult> {
    await this.hooks.publish({
      type: "run-end",
      time: Date.now(),
      status,
      elapsedMs: Math.round(this.elapsedMs()),
      ...(results
        ? { scores: { ...(results.supernet ? { supernet: results.supernet } : {}), retrained: results.retrained, majorityBaseline: results.majorityBaseline } }
        : {}),
    });
    return { status, outDir: this.runDir.path, results };
  }
}
