// @s3pet/dashboard: the Ink terminal UI of a run, fed by events only (it imports only @s3pet/core/events, which loads no tfjs,
// and never the engine, so it can attach to another process's events.jsonl), and of a sweep, fed by
// plain SweepEvents (it knows no queue: the CLI adapts BullMQ's events).

// --- render
export { renderDashboard } from "./render-dashboard.js";
export type { RenderDashboardOptions } from "./render-dashboard.js";
export type { DashboardHandle, TerminalOptions } from "./mount-on-terminal.js";
export { renderSweepDashboard } from "./render-sweep-dashboard.js";
export type { RenderSweepDashboardOptions } from "./render-sweep-dashboard.js";
export { Dashboard } from "./components/Dashboard.js";
export type { DashboardProps } from "./components/Dashboard.js";
export { DashboardView } from "./components/DashboardView.js";
export type { DashboardViewProps } from "./components/DashboardView.js";
export type { QuitAction } from "./components/KeyHints.js";
export { SweepDashboard } from "./components/SweepDashboard.js";
export type { SweepDashboardProps } from "./components/SweepDashboard.js";
export { SweepView } from "./components/SweepView.js";
export type { SweepViewProps } from "./components/SweepView.js";

// --- state
export type {
  RunState,
  RunStateStatus,
  PhaseProgress,
  EvalPoint,
  BudgetState,
  GatesState,
  StructureState,
  LoggedEvent,
} from "./state/run-state.js";
export { initialRunState, currentPhase, isFinished } from "./state/run-state.js";
export { reduceRunState } from "./state/reduce-run-state.js";
export { keptCandidates } from "./state/kept-candidates.js";
export { msPerStep, phaseEtaMs, elapsedMs } from "./state/phase-timing.js";
export { runStates, DEFAULT_THROTTLE_MS } from "./state/run-states.js";
export type { SweepEvent, SweepJob, SweepJobStatus, SweepJobProgress, SweepState } from "./state/sweep-state.js";
export { initialSweepState, countJobs, canOpen, selectedJob, moveSelection } from "./state/sweep-state.js";
export { reduceSweepState } from "./state/reduce-sweep-state.js";
export type { FrameInterval } from "./state/run-states.js";

// --- sources
export { eventsFromFile } from "./sources/events-from-file.js";
export type { EventsFromFileOptions } from "./sources/events-from-file.js";

// --- formatting shared with the CLI's plain reporter
export { describeEvent } from "./format/describe-event.js";
export { formatScore } from "./format/format-score.js";
export type { EventLine, LogLevel } from "./format/describe-event.js";
export { formatCount, formatPercent } from "./format/format-count.js";
export { formatDuration } from "./format/format-duration.js";
export { shortPosition } from "./format/short-position.js";
