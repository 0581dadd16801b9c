// @s3pet/core/events: the event types and the pure helpers a UI needs, without tfjs or the engine, so
// the dashboard can follow another process's events.jsonl cheaply. Nothing imported here (or below it)
// may load tfjs; events-entry.test.ts checks the import graph.
export type {
  S3petEvent,
  S3petEventType,
  PhaseName,
  RunStatus,
  RunInfo,
  CandidateInfo,
  ChosenModule,
  RunStartEvent,
  PhaseEvent,
  StepEvent,
  GatesEvent,
  BudgetEvent,
  EvalEvent,
  CheckpointEvent,
  StructureEvent,
  RunEndEvent,
  ErrorEvent,
  LogEvent,
} from "./events.js";
export { discretizeGreedy } from "../search/discretize-greedy.js";
