// RunState: everything the dashboard shows, as one immutable value built by reduceRunState from events.
// Invariant: only facts from events are stored; derived numbers (top candidates, the hard count, ETA,
// tokens/s averages) are computed in render from this state, never stored twice (docs/ARCHITECTURE.md, convention §12).
import type { CandidateInfo, ChosenModule, EvalEvent, PhaseName, RunEndEvent, RunInfo, S3petEvent } from "@s3pet/core/events";

/** Where the run is; follows the phases, ends in one of the three run-end statuses. */
export type RunStateStatus =
  | "starting"
  | "searching"
  | "discretizing"
  | "retraining"
  | "training"
  | "testing"
  | "done"
  | "stopped"
  | "failed";

/** Progress of one phase; phases appear in the order they started. */
export interface PhaseProgress {
  readonly phase: PhaseName;
  readonly totalSteps: number;
  readonly step: number;
  readonly startTime: number;
  readonly endTime: number | null;
  /** Step rate anchor: the rate is (lastStepTime - anchorTime) / (step - anchorStep); reset on resume. */
  readonly anchorTime: number;
  readonly anchorStep: number | null;
  readonly lastStepTime: number | null;
  readonly tokensPerSecond: number | null;
  readonly lr: number | null;
}

/** One evaluation as the dashboard keeps it: the eval event without its envelope. */
export type EvalPoint = Omit<EvalEvent, "type" | "time">;

export interface BudgetState {
  readonly step: number;
  /** B in parameters. */
  readonly budget: number;
  /** Σ n_i p_i. */
  readonly soft: number;
  /** The global shift b of the shifted global sigmoid. */
  readonly shift: number;
}

export interface GatesState {
  readonly step: number;
  /** p_i in the order of `RunState.candidates` (the run-start order, as the gates event defines it). */
  readonly p: readonly number[];
  readonly alpha: readonly number[];
}

export interface StructureState {
  readonly modules: readonly ChosenModule[];
  readonly budget: number;
  readonly chosenParams: number;
}

/** One line of the event log: the event itself, formatted at render time by describeEvent. */
export interface LoggedEvent {
  readonly id: number;
  readonly event: S3petEvent;
}

export interface RunState {
  readonly status: RunStateStatus;
  readonly run: RunInfo | null;
  readonly candidates: readonly CandidateInfo[];
  readonly resumed: boolean;
  /** Time of the first run-start (ms since the epoch). */
  readonly startTime: number | null;
  /** Time of the latest event: the dashboard's clock, so a replay renders exactly what the live run did. */
  readonly lastTime: number | null;
  readonly phases: readonly PhaseProgress[];
  /** Training loss of the current phase, the last LOSS_HISTORY_LENGTH steps (ring buffer). */
  readonly loss: readonly number[];
  /** Loss of the alpha step during search, same ring buffer rule. */
  readonly alphaLoss: readonly number[];
  readonly evals: readonly EvalPoint[];
  readonly gates: GatesState | null;
  readonly budget: BudgetState | null;
  readonly structure: StructureState | null;
  readonly lastCheckpoint: { readonly phase: PhaseName; readonly step: number; readonly path: string } | null;
  readonly end: Omit<RunEndEvent, "type"> | null;
  /** Message of the last fatal error, shown in place. */
  readonly fatalError: string | null;
  readonly errorCount: number;
  readonly warnCount: number;
  /** Append-only; the log pane shows its last lines. */
  readonly log: readonly LoggedEvent[];
}

export const LOSS_HISTORY_LENGTH = 240;

export function initialRunState(): RunState {
  return {
    status: "starting",
    run: null,
    candidates: [],
    resumed: false,
    startTime: null,
    lastTime: null,
    phases: [],
    loss: [],
    alphaLoss: [],
    evals: [],
    gates: null,
    budget: null,
    structure: null,
    lastCheckpoint: null,
    end: null,
    fatalError: null,
    errorCount: 0,
    warnCount: 0,
    log: [],
  };
}

/** True once the run has ended (run-end seen). */
export function isFinished(state: RunState): boolean {
  return state.end !== null;
}

/** The phase that started last, if any. */
export function currentPhase(state: RunState): PhaseProgress | null {
  return state.phases.at(-1) ?? null;
}
