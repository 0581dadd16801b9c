// Run configuration of `runSearch` and `runTrain`: the shapes of the config objects. Every option's
// default, doc and check is declared once in run-options.ts; the defaults below are read from there, and
// `resolveSearchConfig`/`resolveTrainConfig` check a partial object against the same declarations before
// any tensor exists. Error messages name the flag the CLI maps a key to (`batchSize` -> `--batch-size`).
import { S3petInputError } from "../errors/s3pet-error.js";
import type { ChosenModule } from "../events/events.js";
import { ENGINE_OPTIONS, FULL_FINE_TUNING_LR, parseRunOption, showValue, type RunOption } from "./run-options.js";

/** How the structure step differentiates through the shift b (docs/METHOD.md §3). */
export type ShiftGradient = "implicit" | "detach-sum" | "none";

/** Options shared by search and train. */
export interface CommonConfig {
  /** Run name for the dashboard header and run.json. */
  readonly name: string;
  /** Root seed: splits, data order, module and head init and gate noise all derive from it. */
  readonly seed: number;
  /** Training batch size (each of the W and A halves during search). */
  readonly batchSize: number;
  /** Evaluation batch size. */
  readonly evalBatchSize: number;
  /** AdamW learning rate of the task head (and of module weights when `methodLrs` is off), decayed linearly to 0. */
  readonly lr: number;
  /** Train each method's modules at the learning rate (and weight decay) its plugin declares;
   *  false puts every module at `lr` (the per-method rate ablation). */
  readonly methodLrs: boolean;
  /** Learning rate per method id, overriding the declared one (`--lora.lr 1e-2`); default {}. */
  readonly methodLr: Readonly<Record<string, number>>;
  /** AdamW weight decay of module weights and the head. */
  readonly weightDecay: number;
  /** Gradient-norm clipping, one norm over all weights (the structure parameters apart). */
  readonly maxGradNorm: number;
  /** Epochs of training a fixed structure (re-training after search, baselines). */
  readonly trainEpochs: number;
  /** Cap on the steps of each training phase, for quick runs; null = no cap. */
  readonly maxSteps: number | null;
  /** Cap on the examples of each evaluation split, for quick runs; null = all. */
  readonly maxEvalExamples: number | null;
  /** Evaluate on validation every N steps; null = once per epoch. The last step always evaluates. */
  readonly evalEvery: number | null;
  /** Write a resumable checkpoint every N steps; phase ends and stop() always write one. */
  readonly checkpointEvery: number;
  /** End a phase after N evaluations without a better validation score; null = never. */
  readonly patience: number | null;
  /** Budget in parameters (`12000`) or relative to the backbone (`"0.01%"`); search and `random` use it. */
  readonly budget: number | string | null;
  /** Count the task head's parameters inside the budget. */
  readonly countHead: boolean;
  /** Options per method id, e.g. `{ lora: { rank: 4 } }`, validated by each method's schema. */
  readonly methodOptions: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** Site patterns (suffix or /regex/) the search space (or a random structure) may use; [] = all. */
  readonly include: readonly string[];
  /** Site patterns to leave out. */
  readonly exclude: readonly string[];
  /** Emit a `gates` event (p and alpha of every candidate) every N search steps. */
  readonly gatesEvery: number;
  /** Continue the run in the output directory from its last checkpoint. */
  readonly resume: boolean;
  /** Data-parallel compute units (the main thread and worker threads); null = one per core when the
   *  caller can start workers, else 1. A run is deterministic for a given count. */
  readonly workers: number | null;
  /** Examples one unit runs through the model at once: its shard of a batch is cut into micro-batches
   *  of at most this many, whose gradients are summed in order (deterministic for a given workers and
   *  micro-batch size); evaluation batches are capped by it too. "auto" = the largest the caller's
   *  memory plan fits, which is the whole shard when it fits (no plan: the whole shard). */
  readonly microBatchSize: number | "auto";
}

export interface SearchConfig extends CommonConfig {
  /** Epochs of the bi-level search over the W half. */
  readonly searchEpochs: number;
  /** AdamW learning rate of the structure parameters alpha. */
  readonly alphaLr: number;
  /** SGS temperature beta. */
  readonly temperature: number;
  /** Gradient through the shift: exact implicit, the reference's detach-sum, or none. */
  readonly shiftGradient: ShiftGradient;
  /** DARTS order of the structure step: first-order, or the finite-difference second-order. */
  readonly order: "first" | "second";
  /** Straight-through hard gates during search steps (z in {0,1} forward). */
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

/** The keys of CommonConfig among the declared options; the others are search-only. */
const COMMON_KEYS = new Set<string>(["seed", "batchSize", "evalBatchSize", "lr", "weightDecay", "maxGradNorm", "trainEpochs", "maxSteps", "maxEvalExamples", "evalEvery", "checkpointEvery", "patience", "budget", "countHead", "include", "exclude", "gatesEvery", "resume", "methodLrs", "workers", "microBatchSize"]);

/** Whether the engine option `o` is part of `command`'s config (the CLI decides which flags it shows). */
function appliesTo(o: RunOption, command: "search" | "train"): boolean {
  return o.key !== undefined && (command === "search" || COMMON_KEYS.has(o.key));
}

/** The declared defaults of the options with an engine key, for `command`. */
function declaredDefaults(command: "search" | "train"): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const o of ENGINE_OPTIONS as readonly RunOption[]) {
    if (appliesTo(o, command)) out[o.key!] = o.default;
  }
  return out;
}

/** Defaults of the options search and train share (budget: none until a search or a random structure needs one). */
export const DEFAULT_COMMON_CONFIG: CommonConfig = commonDefaults();

export const DEFAULT_SEARCH_CONFIG: SearchConfig = searchDefaults();

/** The defaults as declared right now (read at each call, so the declaration is the only source). */
function searchDefaults(): SearchConfig {
  return { ...commonDefaults(), ...declaredDefaults("search") } as unknown as SearchConfig;
}
function commonDefaults(): CommonConfig {
  return { name: "", methodOptions: {}, methodLr: {}, ...declaredDefaults("train"), budget: null } as unknown as CommonConfig;
}

export function resolveSearchConfig(given: Partial<SearchConfig>): { readonly command: "search" } & SearchConfig {
  const c = checked({ ...searchDefaults(), ...dropUndefined(given) }, "search");
  if (c.budget === null) throw configError("budget", c.budget, "is required for a search", "e.g. 12000 or 0.01%");
  return { command: "search", ...c };
}

export function resolveTrainConfig(given: Partial<TrainConfig> & Pick<TrainConfig, "structure">): { readonly command: "train" } & TrainConfig {
  const kinds = ["modules", "preset", "random", "full"];
  if (!given.structure || !kinds.includes(given.structure.kind)) {
    throw configError("structure", given.structure, `must be one of ${kinds.join(", ")}`, "a structure.json, a preset name, random or full");
  }
  const defaults: Partial<CommonConfig> = {
    // Full fine-tuning trains the whole backbone: the paper's rate, not the one measured for small modules.
    ...(given.structure.kind === "full" ? { lr: FULL_FINE_TUNING_LR } : {}),
  };
  const c = checked({ ...commonDefaults(), ...defaults, ...dropUndefined(given) } as TrainConfig, "train");
  if (c.structure.kind === "random" && c.budget === null) {
    throw configError("budget", null, "is required for a random structure", "e.g. 12000 or 0.01%");
  }
  return { command: "train", ...c };
}

/** Every declared option of `command` checked (and read, for strings from a command line) by its schema. */
function checked<C extends CommonConfig>(c: C, command: "search" | "train"): C {
  if (typeof c.name !== "string") throw configError("name", c.name, "must be a string", "a run name");
  if (typeof c.methodLr !== "object" || c.methodLr === null) throw configError("methodLr", c.methodLr, "must map method ids to learning rates", "e.g. --lora.lr 1e-2");
  for (const [method, lr] of Object.entries(c.methodLr)) {
    if (typeof lr !== "number" || !Number.isFinite(lr) || lr <= 0) {
      throw new S3petInputError(`${method}.lr must be a positive number, got ${showValue(lr)} (set --${method}.lr, e.g. 1e-2)`);
    }
  }
  if (typeof c.methodOptions !== "object" || c.methodOptions === null || Array.isArray(c.methodOptions)) {
    throw configError("methodOptions", c.methodOptions, "must map method ids to option objects", "e.g. {\"lora\": {\"rank\": 4}}");
  }
  const out = { ...c } as Record<string, unknown>;
  for (const o of ENGINE_OPTIONS as readonly RunOption[]) {
    if (!appliesTo(o, command) || !(o.key! in out)) continue;
    const value = out[o.key!];
    // null means "none" for options without a default value (and for a budget nothing needs).
    if (value === null && (o.default === null || o.key === "budget")) continue;
    out[o.key!] = parseRunOption(o, value);
  }
  return out as C;
}

/** "name must be a string, got 3 (set --name)". */
function configError(key: string, value: unknown, problem: string, hint?: string): S3petInputError {
  const flag = `--${key.replace(/[A-Z]/g, (m) => `-${m.toLowerCase()}`)}`;
  return new S3petInputError(`${key} ${problem}, got ${showValue(value)} (set ${flag}${hint ? `: ${hint}` : ""})`);
}

function dropUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
