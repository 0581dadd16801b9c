// StandaloneRun: a training run outside `search` and `train` (pretraining) on the engine's own
// machinery — the event stream and hooks (events.jsonl, so `s3pet watch` shows it; the checkpoint
// policy), the PhaseLoop, PhaseState's checkpoint keys in the CheckpointStore format under
// <outDir>/checkpoints/, resume, and stop() finishing the current step with a checkpoint.
import type { Observable } from "rxjs";
import { EventBus } from "../events/event-bus.js";
import type { RunInfo, S3petEvent } from "../events/events.js";
import { checkpointHook } from "../hooks/checkpoint-hook.js";
import { eventsJsonlHook } from "../hooks/events-jsonl-hook.js";
import { HookRunner } from "../hooks/hook-runner.js";
import type { SearchHook } from "../hooks/search-hook.js";
import { FRESH_PROGRESS, PhaseLoop, type LoopResult, type PhaseLoopSpec } from "../train/phase-loop.js";
import type { PhaseState, SavedPhaseState } from "../train/phase-state.js";
import { CheckpointStore, type LoadedCheckpoint } from "./checkpoint-store.js";
import { RunControl } from "./run-control.js";
import { RunDir } from "./run-dir.js";
import { RunSession } from "./run-session.js";

/** One phase of a standalone run: PhaseLoop's step and validation, its PhaseState, and `B`, its own JSON state (data position, clocks). */
export type StandalonePhase<B> = Pick<PhaseLoopSpec, "phase" | "totalSteps" | "evalEvery" | "step" | "validate"> &
  Partial<Pick<PhaseLoopSpec, "onBest">> & {
    readonly state: PhaseState;
    body(): B;
    /** After a checkpoint's values are restored into `state`: copy them wherever else they live (worker replicas). */
    restored?(): void;
  };

/** The checkpoint body of a standalone phase. */
export type StandaloneCheckpointBody<B> = SavedPhaseState & { readonly phase: B };

export interface StandaloneRunOptions {
  readonly outDir: string;
  /** The metric `eval` events name. */
  readonly metric: string;
  /** Checkpoint every N steps (phase ends and stop() always write one); null = only those. */
  readonly checkpointEvery: number | null;
  /** Hooks after the core's own (events.jsonl, the checkpoint policy). */
  readonly hooks?: readonly SearchHook[];
}

export class StandaloneRun {
  private readonly bus = new EventBus();
  private readonly control = new RunControl();
  private readonly hooks: HookRunner;
  private readonly session: RunSession;

  constructor(private readonly opts: StandaloneRunOptions) {
    const core = [eventsJsonlHook(), ...(opts.checkpointEvery === null ? [] : [checkpointHook(opts.checkpointEvery)])];
    this.hooks = new HookRunner([...core, ...(opts.hooks ?? [])], this.bus, this.control, { outDir: opts.outDir });
    const runDir = new RunDir(opts.outDir);
    this.session = new RunSession(new CheckpointStore(runDir), this.hooks, runDir);
  }

  get events$(): Observable<S3petEvent> {
    return this.bus.events$;
  }

  /** The last checkpoint (null for a fresh run); restores the run's clock. */
  load<B>(): LoadedCheckpoint<StandaloneCheckpointBody<B>> | null {
    const ckpt = this.session.store.load<StandaloneCheckpointBody<B>>();
    if (ckpt) this.session.elapsedBefore = ckpt.state.elapsedMs;
    return ckpt;
  }

  async start(run: Omit<RunInfo, "outDir">, resumed: boolean): Promise<void> {
    await this.hooks.publish({ type: "run-start", time: Date.now(), run: { ...run, outDir: this.opts.outDir }, candidates: [], resumed });
  }

  /** The phase from `resume`'s state (restore `B` yourself from `resume.state.body.phase` first). */
  async run<B>(p: StandalonePhase<B>, resume: LoadedCheckpoint<StandaloneCheckpointBody<B>> | null): Promise<LoopResult> {
    const start = resume ? p.state.restore(resume.state.body, resume.tensors) : undefined;
    if (resume) p.restored?.();
    await this.hooks.publish({ type: "phase", time: Date.now(), phase: p.phase, totalSteps: p.totalSteps });
    try {
      return await new PhaseLoop(this.hooks, this.control, this.opts.metric).run({
        phase: p.phase,
        totalSteps: p.totalSteps,
        evalEvery: p.evalEvery,
        start: start ?? FRESH_PROGRESS,
        step: (k) => p.step(k),
        validate: () => p.validate(),
        onBest: (k, score) => p.onBest?.(k, score),
        checkpoint: async (progress) => {
          const { state, tensors } = p.state.save(progress);
          await this.session.checkpoint<StandaloneCheckpointBody<B>>(p.phase, p.phase, progress.step, { ...state, phase: p.body() }, tensors);
        },
      });
    } finally {
      this.control.progress = null;
    }
  }

  /** Asks the phase to stop after its current step (with a checkpoint). */
  stop(): void {
    this.control.requestStop();
  }

  /** Publishes run-end and completes the event stream (events.jsonl closes). */
  async end(status: "done" | "stopped" | "failed"): Promise<void> {
    if (status === "failed") await this.hooks.publish({ type: "run-end", time: Date.now(), status, elapsedMs: Math.round(this.session.elapsedMs()) });
    else await this.session.end(status, null);
    this.hooks.complete();
  }

  /** Wall time of the run over all its sessions. */
  elapsedMs(): number {
    return this.session.elapsedMs();
  }
}
