// RunControl: the requests that reach a running phase from outside the step loop (stop() from the
// CLI, checkpoint / end-phase / stop requests from hooks) and what hooks may read about the phase in
// progress. The step loop consumes the requests after each step, so a request never splits a step.
import { injectable } from "tsyringe";
import type { PhaseName } from "../events/events.js";
import type { CandidateState } from "../hooks/search-hook.js";

/** The phase in progress, as hooks see it. */
export interface PhaseProgress {
  readonly phase: PhaseName;
  readonly step: number;
  readonly totalSteps: number;
  /** Best validation score of the phase so far (null before the first evaluation). */
  readonly bestScore: number | null;
  readonly bestStep: number | null;
  /** Evaluations since the best one (0 right after a new best). */
  readonly evalsSinceBest: number;
}

@injectable()
export class RunControl {
  private stopRequested = false;
  private checkpointRequested = false;
  private endPhaseReason: string | null = null;
  /** Set by the search phase while it runs. */
  candidateSource: (() => readonly CandidateState[]) | null = null;
  progress: PhaseProgress | null = null;

  requestStop(): void {
    this.stopRequested = true;
  }

  get stopping(): boolean {
    return this.stopRequested;
  }

  requestCheckpoint(): void {
    this.checkpointRequested = true;
  }

  requestEndPhase(reason: string): void {
    this.endPhaseReason ??= reason;
  }

  /** Returns and clears the checkpoint request. */
  takeCheckpointRequest(): boolean {
    const r = this.checkpointRequested;
    this.checkpointRequested = false;
    return r;
  }

  /** The pending end-phase request's reason, or null (not cleared). */
  peekEndPhase(): string | null {
    return this.endPhaseReason;
  }

  /** Returns and clears the end-phase request (its reason), or null. */
  takeEndPhaseRequest(): string | null {
    const r = this.endPhaseReason;
    this.endPhaseReason = null;
    return r;
  }
}
