// SearchHook: the one table of lifecycle hooks (docs/ARCHITECTURE.md, convention §4). Core services (events.jsonl writer,
// checkpoint policy, early stopping, candidates.json refresher) are hooks too, so users add their own
// the same way: register them in the run's container under SearchHookToken, or pass `deps.hooks`.
// A hook for an event runs *before* that event is published on `events$`; `events$` completes after
// `run-end`. Context is the last argument (never `this`), so hooks can be plain arrow functions.
//
// | hook         | kind       | called when                                   | previous              | next                     |
// |--------------|------------|-----------------------------------------------|-----------------------|--------------------------|
// | onRunStart   | sequential | the run starts or resumes (run.json written)  | -                     | onPhase                  |
// | onPhase      | sequential | search/discretize/retrain/train/test starts   | onRunStart, onEval    | onStep, onCheckpoint     |
// | onStep       | parallel   | a training step finished                      | onPhase, onStep       | onStep, onEval           |
// | onEval       | sequential | a validation or test evaluation finished      | onStep                | onCheckpoint, onStep     |
// | onCheckpoint | sequential | a resumable checkpoint was written            | onStep, onEval        | onStep, onPhase, onRunEnd|
// | onRunEnd     | sequential | the run ended: done, stopped or failed        | onCheckpoint, onEval  | -                        |
import type { Observable } from "rxjs";
import type {
  CandidateInfo,
  CheckpointEvent,
  EvalEvent,
  PhaseEvent,
  RunEndEvent,
  RunInfo,
  RunStartEvent,
  S3petEvent,
  StepEvent,
} from "../events/events.js";
import type { PhaseProgress } from "../run/run-control.js";

/** A candidate with its current structure parameter and gate probability. */
export interface CandidateState extends CandidateInfo {
  readonly alpha: number;
  readonly p: number;
}

/** What a hook may read and ask for. Requests take effect after the current step. */
export interface HookContext {
  readonly run: RunInfo;
  readonly outDir: string;
  /** The run's event stream (subscribe in onRunStart to see every event, run-start included). */
  readonly events$: Observable<S3petEvent>;
  /** The current candidates with alpha and p during the search phase; null otherwise. */
  candidates(): readonly CandidateState[] | null;
  /** The training phase in progress (step, best validation score, evaluations since it); null between phases. */
  progress(): PhaseProgress | null;
  /** Emits a `log` event stamped with this hook's name. */
  log(message: string): void;
  /** Emits a `log` warning stamped with this hook's name. */
  warn(message: string): void;
  /** Fails the run with a one-line error stamped with this hook's name. */
  error(message: string): never;
  /** Write a resumable checkpoint after the current step. */
  requestCheckpoint(): void;
  /** End the current training phase after this step (early stopping); the run goes on with the next phase. */
  endPhase(reason: string): void;
  /** Stop the run gracefully after this step, as `RunHandle.stop()` does. */
  stopRun(): void;
}

type Hook<E> = (event: E, ctx: HookContext) => void | Promise<void>;

export interface SearchHook {
  /** `core:<name>` for the core's own hooks, the plugin or package name otherwise. */
  readonly name: string;
  /** Runs before (`pre`) or after (`post`) the hooks without an order; registration order otherwise. */
  readonly order?: "pre" | "post";
  /** Called when a resumable checkpoint has been written. */
  onCheckpoint?: Hook<CheckpointEvent>;
  /** Called when an evaluation on validation or test has finished. */
  onEval?: Hook<EvalEvent>;
  /** Called when a phase (search, discretize, retrain, train, test) starts. */
  onPhase?: Hook<PhaseEvent>;
  /** Called when the run has ended (done, stopped or failed), after its last checkpoint. */
  onRunEnd?: Hook<RunEndEvent>;
  /** Called when the run starts or resumes, before any step. */
  onRunStart?: Hook<RunStartEvent>;
  /** Called after every training step. */
  onStep?: Hook<StepEvent>;
}

/** Hooks awaited one after another, in order. */
export type SequentialHooks = "onCheckpoint" | "onEval" | "onPhase" | "onRunEnd" | "onRunStart";
/** Hooks started together and awaited together (observers). */
export type ParallelHooks = "onStep";
export type HookName = SequentialHooks | ParallelHooks;

/** The event type each hook is called for. */
export const HOOK_OF_EVENT = {
  checkpoint: "onCheckpoint",
  eval: "onEval",
  phase: "onPhase",
  "run-end": "onRunEnd",
  "run-start": "onRunStart",
  step: "onStep",
} as const satisfies Partial<Record<S3petEvent["type"], HookName>>;

export const PARALLEL_HOOKS: readonly ParallelHooks[] = ["onStep"];
