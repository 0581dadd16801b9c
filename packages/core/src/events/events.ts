// The run's event stream: one typed, JSON-serialisable union (docs/ARCHITECTURE.md "Events").
// Every event has `type` and `time` (ms since the Unix epoch). The same events go to the in-process
// `events$` Observable and, one JSON per line, to the run's events.jsonl, so a dashboard can attach to
// a live run from another process or replay a finished one with the same reducer.

export type PhaseName = "search" | "discretize" | "retrain" | "train" | "test" | "pretrain";
export type RunStatus = "done" | "stopped" | "failed";

/** One candidate of the search space, as the UI and candidates.json see it. */
export interface CandidateInfo {
  /** `candidateKey(site, method)`, e.g. `encoder.layer.3.attention.self.query#lora`. */
  readonly key: string;
  readonly site: string;
  readonly method: string;
  readonly layer: number | null;
  readonly position: string;
  readonly options: Readonly<Record<string, unknown>>;
  readonly params: number;
}

/** One module of a chosen structure (structure.json, results.json). */
export interface ChosenModule {
  readonly site: string;
  readonly method: string;
  readonly options: Readonly<Record<string, unknown>>;
  readonly params: number;
  /** Present when the search space held the method with several option values at a site (`rank=1`):
   *  it keeps the candidate key, and so the module's init seed, the same in re-training. */
  readonly variant?: string;
}

export interface RunInfo {
  readonly name: string;
  readonly command: "search" | "train" | "pretrain";
  readonly outDir: string;
  readonly backbone: string;
  readonly task: string;
  readonly metric: string;
  readonly backend: string;
  readonly methods: readonly string[];
  /** Budget in parameters (null for full fine-tuning). */
  readonly budget: number | null;
  readonly backboneParams: number;
  readonly seed: number;
  /** Data-parallel units and the examples each runs through the model at once (absent: pretraining). */
  readonly workers?: number;
  readonly microBatchSize?: number;
}

export interface RunStartEvent {
  readonly type: "run-start";
  readonly time: number;
  readonly run: RunInfo;
  /**
   * A search's space: index i here is index i of `gates.p`. A `train` run's modules of its fixed structure
   * (no gates; empty for full fine-tuning), which the dashboard and the report draw as its structure.
   */
  readonly candidates: readonly CandidateInfo[];
  /** True when this run continues from a checkpoint. */
  readonly resumed: boolean;
}

export interface PhaseEvent {
  readonly type: "phase";
  readonly time: number;
  readonly phase: PhaseName;
  readonly totalSteps: number;
}

export interface StepEvent {
  readonly type: "step";
  readonly time: number;
  readonly phase: PhaseName;
  readonly step: number;
  readonly totalSteps: number;
  /** Training loss of the weight step. */
  readonly loss: number;
  /** Loss of the structure (alpha) step on the A half, during search. */
  readonly alphaLoss?: number;
  readonly lr: number;
  readonly tokensPerSecond: number;
}

export interface GatesEvent {
  readonly type: "gates";
  readonly time: number;
  readonly step: number;
  /** p_i, in the order of run-start's candidates. */
  readonly p: readonly number[];
  readonly alpha: readonly number[];
}

/** Exactly these fields: budget and soft are parameter counts, soft = sum n_i p_i. */
export interface BudgetEvent {
  readonly type: "budget";
  readonly time: number;
  readonly step: number;
  readonly budget: number;
  readonly soft: number;
  readonly shift: number;
}

export interface EvalEvent {
  readonly type: "eval";
  readonly time: number;
  readonly phase: PhaseName;
  readonly step: number;
  readonly split: "validation" | "test";
  readonly metric: string;
  readonly score: number;
  readonly loss: number;
  /** True when this is the best validation score of the phase so far (its checkpoint is kept). */
  readonly best: boolean;
}

export interface CheckpointEvent {
  readonly type: "checkpoint";
  readonly time: number;
  readonly phase: PhaseName;
  readonly step: number;
  readonly path: string;
}

export interface StructureEvent {
  readonly type: "structure";
  readonly time: number;
  readonly structure: readonly ChosenModule[];
  readonly budget: number;
  readonly chosenParams: number;
}

export interface RunEndEvent {
  readonly type: "run-end";
  readonly time: number;
  readonly status: RunStatus;
  readonly elapsedMs: number;
  /** Final scores, when the run got that far. */
  readonly scores?: {
    readonly supernet?: { readonly validation: number; readonly test: number };
    readonly retrained?: { readonly validation: number; readonly test: number };
    readonly majorityBaseline?: { readonly test: number };
  };
}

export interface ErrorEvent {
  readonly type: "error";
  readonly time: number;
  readonly message: string;
  readonly fatal: boolean;
}

export interface LogEvent {
  readonly type: "log";
  readonly time: number;
  readonly level: "info" | "warn";
  readonly message: string;
  /** Plugin or hook that emitted it. */
  readonly source?: string;
}

export type S3petEvent =
  | RunStartEvent
  | PhaseEvent
  | StepEvent
  | GatesEvent
  | BudgetEvent
  | EvalEvent
  | CheckpointEvent
  | StructureEvent
  | RunEndEvent
  | ErrorEvent
  | LogEvent;

export type S3petEventType = S3petEvent["type"];
