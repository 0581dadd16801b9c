// Run configuration of `runSearch` and `runTrain`: every field has a default (method.md §5 for the
// optimiser settings), callers pass a partial object, and `resolveSearchConfig`/`resolveTrainConfig`
// validate it before any tensor exists. Keys are camelCase; error messages name the key and the
// kebab-case flag the CLI maps it to (`batchSize` -> `--batch-size`).
import { S3petInputError } from "../errors/s3pet-error.js";
import type { ChosenModule } from "../events/events.js";

/** How the structure step differentiates through the shift b (method.md §3). */
export type ShiftGradient = "implicit" | "detach-sum" | "none";

/** Options shared by search and train. */
export interface CommonConfig {
  /** Run name for the dashboard header and run.json. @default the output directory's base name */
  readonly name: string;
  /** Root seed: splits, data order, module and head init and gate noise all derive from it. @default 42 */
  readonly seed: number;
  /** Training batch size (each of the W and A halves during search). @default 16 */
  readonly batchSize: number;
  /** Evaluation batch size. @default 64 */
  readonly evalBatchSize: number;
  /** AdamW learning rate of the task head (and of module weights when `methodLrs` is off), decayed
   *  linearly to 0. @default 3e-4 */
  readonly lr: number;
  /** Train each method's modules at the learning rate (and weight decay) its plugin declares;
   *  false puts every module at `lr` (the per-method rate ablation). @default true */
  readonly methodLrs: boolean;
  /** Learning rate per method id, overriding the declared one (`--lora.lr 1e-2`). @default {} */
  readonly methodLr: Readonly<Record<string, number>>;
  /** AdamW weight decay of module weights and the head. @default 0 */
  readonly weightDecay: number;
  /** Gradient-norm clipping, one norm over all weights (the structure parameters apart). @default 2 */
  readonly maxGradNorm: number;
  /** Epochs of training a fixed structure (re-training after search, baselines). @default 3 */
  readonly trainEpochs: number;
  /** Cap on the steps of each training phase, for quick runs; null = no cap. @default null */
  readonly maxSteps: number | null;
  /** Cap on the examples of each evaluation split, for quick runs; null = all. @default null */
  readonly maxEvalExamples: number | null;
  /** Evaluate on validation every N steps; null = once per epoch. The last step always evaluates. @default null */
  readonly evalEvery: number | null;
  /** Write a resumable checkpoint every N steps; phase ends and stop() always write one. @default 50 */
  readonly checkpointEvery: number;
  /** End a phase after N evaluations without a better validation score; null = never. @default null */
  readonly patience: number | null;
  /** Budget in parameters (`12000`) or relative to the backbone (`"0.01%"`); search and `random` use it. */
  readonly budget: number | string | null;
  /** Count the task head's parameters inside the budget. @default false */
  readonly countHead: boolean;
  /** Options per method id, e.g. `{ lora: { rank: 4 } }`, validated by each method's schema. @default {} */
  readonly methodOptions: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** Site patterns (suffix or /regex/) the search space (or a random structure) may use; [] = all. @default [] */
  readonly include: readonly string[];
  /** Site patterns to leave out. @default [] */
  readonly exclude: readonly string[];
  /** Emit a `gates` event (p and alpha of every candidate) every N search steps. @default 10 */
  readonly gatesEvery: number;
  /** Continue the run in the output directory from its last checkpoint. @default false */
  readonly resume: boolean;
  /** Data-parallel compute units (the main thread and worker threads); null = one per core when the
   *  caller can start workers, else 1. A run is deterministic for a given count. @default null */
  readonly workers: number | null;
  /** Examples one unit runs through the model at once: its shard of a batch is cut into micro-batches
   *  of at most this many, whose gradients are summed in order (deterministic for a given workers and
   *  micro-batch size); evaluation batches are capped by it too. "auto" = the largest the caller's
   *  memory plan fits, which is the whole shard when it fits (no plan: the whole shard). @default "auto" */
  readonly microBatchSize: number | "auto";
}

export interface SearchConfig extends CommonConfig {
  /** Epochs of the bi-level search over the W half. @default 3 */
  readonly searchEpochs: number;
  /** AdamW learning rate of the structure parameters alpha. @default 0.1 */
  readonly alphaLr: number;
  /** SGS temperature beta. @default 1 */
  readonly temperature: number;
  /** Gradient through the shift: exact implicit, the reference's detach-sum, or none. @default "implicit" */
  readonly shiftGradient: ShiftGradient;
  /** DARTS order of the structure step: first-order, or the finite-difference second-order. @default "first" */
  readonly order: "first" | "second";
  /** Straight-through hard gates during search steps (z in {0,1} forward). @default false */
  readonly hardGates: boolean;
}

/** The fixed structure `runTrain` trains. */
export type StructureSpec =
  /** Explicit modules, e.g. the `structure` of a structure.json. */
  | {
      readonly kind: "modules";
      readonly modules: readonly ChosenModule[];
      readonly source?: string;
      /** A PEFT adapter or run directory whose tensors initialise the modules (and the head, when it fits). */
      readonly init?: string;
    }
  /** A manual baseline a method declares in `presets` (e.g. `lora`). */
  | { readonly kind: "preset"; readonly name: string }
  /** Sampled without replacement from the search space until nothing more fits `budget`. */
  | { readonly kind: "random" }
  /** Full fine-tuning: the backbone itself is trained (the 100% reference). */
  | { readonly kind: "full" };

export interface TrainConfig extends CommonConfig {
  readonly structure: StructureSpec;
}

export type ResolvedRunConfig =
  | ({ readonly command: "search" } & SearchConfig)
  | ({ readonly command: "train" } & TrainConfig);

export const DEFAULT_COMMON_CONFIG: CommonConfig = {
  name: "",
  seed: 42,
  batchSize: 16,
  evalBatchSize: 64,
  lr: 3e-4,
  methodLrs: true,
  methodLr: {},
  weightDecay: 0,
  maxGradNorm: 2,
  trainEpochs: 3,
  maxSteps: null,
  maxEvalExamples: null,
  evalEvery: null,
  checkpointEvery: 50,
  patience: null,
  budget: null,
  countHead: false,
  methodOptions: {},
  include: [],
  exclude: [],
  gatesEvery: 10,
  resume: false,
  workers: null,
  microBatchSize: "auto",
};

export const DEFAULT_SEARCH_CONFIG: SearchConfig = {
  ...DEFAULT_COMMON_CONFIG,
  budget: "0.1%",
  searchEpochs: 3,
  alphaLr: 0.1,
  temperature: 1,
  shiftGradient: "implicit",
  order: "first",
  hardGates: false,
};

export function resolveSearchConfig(given: Partial<SearchConfig>): { readonly command: "search" } & SearchConfig {
  const c = { ...DEFAULT_SEARCH_CONFIG, ...dropUndefined(given) };
  checkCommon(c);
  if (c.budget === null) throw configError("budget", c.budget, "is required for a search", "e.g. 12000 or 0.01%");
  positiveInt(c, "searchEpochs");
  positiveNumber(c, "alphaLr");
  positiveNumber(c, "temperature");
  oneOf(c, "shiftGradient", ["implicit", "detach-sum", "none"]);
  oneOf(c, "order", ["first", "second"]);
  bool(c, "hardGates");
  return { command: "search", ...c };
}

export function resolveTrainConfig(given: Partial<TrainConfig> & Pick<TrainConfig, "structure">): { readonly command: "train" } & TrainConfig {
  const c = { ...DEFAULT_COMMON_CONFIG, ...dropUndefined(given) } as TrainConfig;
  checkCommon(c);
  const kinds = ["modules", "preset", "random", "full"];
  if (!c.structure || !kinds.includes(c.structure.kind)) {
    throw configError("structure", c.structure, `must be one of ${kinds.join(", ")}`, "a structure.json, a preset name, random or full");
  }
  if (c.structure.kind === "random" && c.budget === null) {
    throw configError("budget", null, "is required for a random structure", "e.g. 12000 or 0.01%");
  }
  return { command: "train", ...c };
}

function checkCommon(c: CommonConfig): void {
  if (typeof c.name !== "string") throw configError("name", c.name, "must be a string", "a run name");
  if (!Number.isSafeInteger(c.seed)) throw configError("seed", c.seed, "must be an integer", "e.g. 42");
  positiveInt(c, "batchSize");
  positiveInt(c, "evalBatchSize");
  positiveNumber(c, "lr");
  nonNegativeNumber(c, "weightDecay");
  positiveNumber(c, "maxGradNorm");
  positiveInt(c, "trainEpochs");
  positiveInt(c, "checkpointEvery");
  positiveInt(c, "gatesEvery");
  for (const k of ["maxSteps", "maxEvalExamples", "evalEvery", "patience", "workers"] as const) if (c[k] !== null) positiveInt(c, k);
  if (c.microBatchSize !== "auto") positiveInt(c, "microBatchSize", "a number of examples or auto");
  bool(c, "countHead");
  bool(c, "resume");
  bool(c, "methodLrs");
  if (typeof c.methodLr !== "object" || c.methodLr === null) throw configError("methodLr", c.methodLr, "must map method ids to learning rates", "e.g. --lora.lr 1e-2");
  for (const [method, lr] of Object.entries(c.methodLr)) {
    if (typeof lr !== "number" || !Number.isFinite(lr) || lr <= 0) {
      throw new S3petInputError(`${method}.lr must be a positive number, got ${JSON.stringify(lr)} (set --${method}.lr, e.g. 1e-2)`);
    }
  }
  if (c.budget !== null && typeof c.budget !== "number" && typeof c.budget !== "string") {
    throw configError("budget", c.budget, "must be a number of parameters or a percentage", "e.g. 12000 or 0.01%");
  }
  for (const k of ["include", "exclude"] as const) {
    if (!Array.isArray(c[k]) || !c[k].every((p) => typeof p === "string")) {
      throw configError(k, c[k], "must be a list of site patterns", "suffixes like attention.self.query or /regex/");
    }
  }
  if (typeof c.methodOptions !== "object" || c.methodOptions === null) {
    throw configError("methodOptions", c.methodOptions, "must map method ids to option objects", "e.g. {\"lora\": {\"rank\": 4}}");
  }
}

type Checked = Record<string, unknown>;

function positiveInt<C>(c: C, key: keyof C & string, hint?: string): void {
  const v = (c as Checked)[key];
  if (typeof v !== "number" || !Number.isInteger(v) || v < 1) throw configError(key, v, "must be a positive integer", hint);
}
function positiveNumber<C>(c: C, key: keyof C & string): void {
  const v = (c as Checked)[key];
  if (typeof v !== "number" || !Number.isFinite(v) || v <= 0) throw configError(key, v, "must be a positive number");
}
function nonNegativeNumber<C>(c: C, key: keyof C & string): void {
  const v = (c as Checked)[key];
  if (typeof v !== "number" || !Number.isFinite(v) || v < 0) throw configError(key, v, "must be a number >= 0");
}
function bool<C>(c: C, key: keyof C & string): void {
  const v = (c as Checked)[key];
  if (typeof v !== "boolean") throw configError(key, v, "must be true or false");
}
function oneOf<C>(c: C, key: keyof C & string, values: readonly string[]): void {
  const v = (c as Checked)[key];
  if (typeof v !== "string" || !values.includes(v)) throw configError(key, v, `must be one of ${values.join(", ")}`);
}

/** "batchSize must be a positive integer, got 0 (set --batch-size)". */
function configError(key: string, value: unknown, problem: string, hint?: string): S3petInputError {
  const flag = `--${key.replace(/[A-Z]/g, (m) => `-${m.toLowerCase()}`)}`;
  return new S3petInputError(`${key} ${problem}, got ${JSON.stringify(value)} (set ${flag}${hint ? `: ${hint}` : ""})`);
}

function dropUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
