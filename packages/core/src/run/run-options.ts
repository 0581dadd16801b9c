// Run options, declared once: flag name, type (a zod schema that reads the command-line string or the
// JSON value), default, one line of doc and what a bad value is told. The CLI's flags and --help, the
// --config schema (runOptionsJsonSchema), the engine's defaults (run-config.ts, so run.json records
// them) and docs/OPTIONS.md (tools/docs/options-doc.mjs) all come from these entries. Adding an
// option is one entry here (engine) or in the CLI's run-flags.ts (input and output), see docs/OPTIONS.md.
// The CLI declares its other commands' own options (export, sweep, worker) with the same builders.
//
// zod, because one maintained library gives the checks, the TypeScript types and JSON Schema output
// (z.toJSONSchema) for the --config file; the messages stay ours (`expects`), one line naming the flag.
import * as z from "zod";
import { S3petInputError } from "../errors/s3pet-error.js";

/** The commands that run the engine (and read a --config file). */
export type RunCommandName = "search" | "train";

export interface RunOption<T = unknown> {
  /** The flag without dashes (`batch-size`); also the key in a --config file and in cli.json. */
  readonly flag: string;
  /** The engine's config key (`batchSize`); absent for options the caller (the CLI) applies itself. */
  readonly key?: string;
  /** The s3pet commands that take it: search and train, or another command of the CLI for its own options. */
  readonly commands: readonly string[];
  /** How the command line gives it: one value, a switch, or a repeatable value. */
  readonly kind: "value" | "switch" | "list";
  /** Reads a command-line string or a JSON value; fails on anything else. */
  readonly schema: z.ZodType<T>;
  /** What a valid value is, for the error line: "an integer >= 1". */
  readonly expects: string;
  /** The default; null means "none" (the doc says what happens then). */
  readonly default: T | null;
  /** The default as help shows it, when it is derived ("--epochs") rather than a value. */
  readonly defaultText?: string;
  /** Said after the default value, e.g. "3e-4 for --structure full". */
  readonly defaultNote?: string;
  /** One line for --help and docs/OPTIONS.md. */
  readonly doc: string;
  /** Placeholder in --help (`n`, `x`, `dir`). */
  readonly valueName?: string;
  /** One-letter alias. */
  readonly short?: string;
}

const BOTH: readonly RunCommandName[] = ["search", "train"];
const NUMBER = /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/;
/** A number, or a command-line string that spells one. */
const numeric = (inner: z.ZodNumber) => z.union([z.number(), z.string().regex(NUMBER).transform(Number)]).pipe(inner);

type Common = Pick<RunOption, "flag" | "key" | "doc" | "defaultText" | "defaultNote" | "valueName" | "short"> & { readonly commands?: readonly string[] };

export function intRunOption(o: Common & { readonly default: number | null; readonly min?: number }): RunOption<number> {
  const min = o.min ?? 1;
  return { commands: BOTH, valueName: "n", ...o, kind: "value", schema: numeric(z.number().int().min(min)), expects: `an integer >= ${min}` };
}

/** A whole number (at least 1) or `auto`, which leaves the choice to the run (its memory plan). */
export function intOrAutoRunOption(o: Common & { readonly default: number | "auto" }): RunOption<number | "auto"> {
  const schema = z.union([z.literal("auto"), numeric(z.number().int().min(1))]);
  return { commands: BOTH, valueName: "n|auto", ...o, kind: "value", schema, expects: "an integer >= 1 or auto" };
}

export function positiveNumberRunOption(o: Common & { readonly default: number | null }): RunOption<number> {
  return { commands: BOTH, valueName: "x", ...o, kind: "value", schema: numeric(z.number().positive().finite()), expects: "a positive number" };
}

export function nonNegativeNumberRunOption(o: Common & { readonly default: number | null }): RunOption<number> {
  return { commands: BOTH, valueName: "x", ...o, kind: "value", schema: numeric(z.number().min(0).finite()), expects: "a number >= 0" };
}

export function choiceRunOption<const T extends string>(o: Common & { readonly default: T | null; readonly values: readonly [T, ...T[]] }): RunOption<T> {
  const { values, ...rest } = o;
  return { commands: BOTH, valueName: values.join("|"), ...rest, kind: "value", schema: z.enum(values), expects: `one of ${values.join(", ")}` };
}

export function textRunOption(o: Common & { readonly default: string | null }): RunOption<string> {
  return { commands: BOTH, valueName: "value", ...o, kind: "value", schema: z.string(), expects: "a string" };
}

export function switchRunOption(o: Common & { readonly default?: boolean }): RunOption<boolean> {
  return { commands: BOTH, ...o, default: o.default ?? false, kind: "switch", schema: z.boolean(), expects: "true or false" };
}

/** `on`/`off` on the command line, true/false in a config file. */
export function onOffRunOption(o: Common & { readonly default: boolean }): RunOption<boolean> {
  const schema = z.union([z.boolean(), z.enum(["on", "off"]).transform((v) => v === "on")]);
  return { commands: BOTH, valueName: "on|off", ...o, kind: "value", schema, expects: "one of on, off" };
}

/** Repeatable (`--include a --include b`); a --config file may give a string or a list. */
export function listRunOption(o: Common): RunOption<readonly string[]> {
  const schema = z.union([z.string().transform((s) => [s]), z.array(z.string())]);
  return { commands: BOTH, valueName: "pattern", ...o, default: [], kind: "list", schema, expects: "a string or a list of strings" };
}

/** A parameter budget: a whole number of parameters (`12000`) or a percentage of the backbone (`1%`). */
const BUDGET = /^\s*(\d+(\.\d*)?([eE][-+]?\d+)?|\.\d+([eE][-+]?\d+)?)\s*%?\s*$/;
function budgetRunOption(o: Common & { readonly default: string }): RunOption<string | number> {
  const schema = z.union([z.number().positive().finite(), z.string().regex(BUDGET).refine((s) => parseFloat(s) > 0)]);
  return { commands: BOTH, valueName: "params|pct%", ...o, kind: "value", schema, expects: "a positive number of parameters (12000) or a percentage (0.1%)" };
}

/**
 * Epochs of a training phase, when --search-epochs / --retrain-epochs do not say otherwise. Measured on the
 * embedded backbone and task: 2 epochs of 1,500 mails learn the task in a few minutes on 2 cores.
 */
export const EPOCHS_OPTION = intRunOption({ flag: "epochs", default: 2, doc: "training epochs (search: of the re-training; the search runs twice as many)" });

/**
 * Search epochs when --search-epochs is not given: twice the training epochs. A search epoch passes over
 * only the W half of the training split, so this gives the module weights as many steps in the search as
 * in re-training, and the structure as many alpha steps. Measured (docs/BENCHMARKS.md, "Search ablation"):
 * on spam at 0.1%, 6 search epochs before 3 of re-training beat 3 before 3 by 0.09, beyond the seed spread.
 */
export const searchEpochsFor = (epochs: number): number => 2 * epochs;

/** Learning rate of full fine-tuning (`--structure full`): the whole backbone trains, so the paper's 3e-4. */
export const FULL_FINE_TUNING_LR = 3e-4;

/**
 * The engine's options. Defaults are the measured ones for `s3pet search` with no flags (embedded backbone
 * and task, see docs/METHOD.md §5 for the learning rate): a 1% budget leaves room for a few LoRA modules next
 * to the cheap ones, and modules this small need 3e-3 rather than the paper's 3e-4 to learn in 2 epochs.
 */
export const ENGINE_OPTIONS = [
  intRunOption({ flag: "seed", key: "seed", min: 0, default: 42, doc: "root seed of splits, data order, inits and gate noise" }),
  budgetRunOption({ flag: "budget", key: "budget", default: "1%", doc: "trainable-parameter budget, absolute (12000) or relative to the backbone (0.1%); used by search and --structure random" }),
  EPOCHS_OPTION,
  intRunOption({ flag: "search-epochs", key: "searchEpochs", commands: ["search"], default: searchEpochsFor(EPOCHS_OPTION.default!), defaultText: "2 x --epochs", doc: "epochs of the bi-level search" }),
  intRunOption({ flag: "retrain-epochs", key: "trainEpochs", commands: ["search"], default: EPOCHS_OPTION.default, defaultText: "--epochs", doc: "epochs of re-training the chosen structure" }),
  intRunOption({ flag: "batch-size", key: "batchSize", default: 16, doc: "training batch size (each of the two halves during search)" }),
  intRunOption({ flag: "eval-batch-size", key: "evalBatchSize", default: 64, doc: "evaluation batch size" }),
  positiveNumberRunOption({ flag: "lr", key: "lr", default: 3e-3, defaultNote: `${FULL_FINE_TUNING_LR} for --structure full`, doc: "AdamW learning rate of the head, and of modules with --method-lrs off, decayed linearly to 0" }),
  onOffRunOption({ flag: "method-lrs", key: "methodLrs", default: true, doc: "train each method's modules at its plugin's declared rate (--<method>.lr overrides)" }),
  nonNegativeNumberRunOption({ flag: "weight-decay", key: "weightDecay", default: 0, doc: "AdamW weight decay of modules and head" }),
  positiveNumberRunOption({ flag: "max-grad-norm", key: "maxGradNorm", default: 2, doc: "gradient-norm clipping, per parameter group" }),
  intRunOption({ flag: "max-steps", key: "maxSteps", default: null, doc: "cap on the steps of each training phase, for quick runs" }),
  intRunOption({ flag: "max-eval-examples", key: "maxEvalExamples", default: null, doc: "cap on the examples of each evaluation, for quick runs" }),
  intRunOption({ flag: "eval-every", key: "evalEvery", default: null, defaultText: "once per epoch", doc: "evaluate on validation every n steps (the last step always does)" }),
  intRunOption({ flag: "checkpoint-every", key: "checkpointEvery", default: 50, doc: "write a resumable checkpoint every n steps" }),
  intRunOption({ flag: "patience", key: "patience", default: null, doc: "stop a phase after n evaluations without improvement" }),
  intRunOption({
    flag: "workers",
    key: "workers",
    default: null,
    defaultText: "one per core that fits the memory plan (1 for a caller without a worker recipe)",
    doc: "data-parallel units: the main thread and n-1 worker threads, each with its own backend and model copy; a run is deterministic for a given n",
  }),
  intOrAutoRunOption({
    flag: "micro-batch-size",
    key: "microBatchSize",
    default: "auto",
    defaultNote: "the largest the memory plan fits in a unit's heap: the whole shard when it fits",
    doc: "examples a unit runs through the model at once: its shard of each batch runs in micro-batches whose gradients are summed in order (deterministic for a given --workers and n); evaluation batches are capped by it too",
  }),
  intRunOption({ flag: "gates-every", key: "gatesEvery", default: 10, doc: "emit a gates event (p and alpha of every candidate) every n search steps" }),
  listRunOption({ flag: "include", key: "include", doc: "only sites matching (suffix or /regex/); repeatable" }),
  listRunOption({ flag: "exclude", key: "exclude", doc: "leave out sites matching (suffix or /regex/); repeatable" }),
  switchRunOption({ flag: "count-head", key: "countHead", doc: "count the task head's parameters inside the budget" }),
  switchRunOption({ flag: "resume", key: "resume", doc: "continue the run in --out from its last checkpoint, with its saved options" }),
  positiveNumberRunOption({ flag: "alpha-lr", key: "alphaLr", commands: ["search"], default: 0.1, doc: "AdamW learning rate of the structure parameters alpha" }),
  positiveNumberRunOption({ flag: "temperature", key: "temperature", commands: ["search"], default: 1, doc: "shifted global sigmoid temperature beta" }),
  choiceRunOption({ flag: "shift-gradient", key: "shiftGradient", commands: ["search"], values: ["implicit", "detach-sum", "none"], default: "implicit", doc: "gradient through the shift b (docs/METHOD.md §3)" }),
  choiceRunOption({ flag: "order", key: "order", commands: ["search"], values: ["first", "second"], default: "first", doc: "DARTS order of the structure step" }),
  switchRunOption({ flag: "hard-gates", key: "hardGates", commands: ["search"], doc: "straight-through hard gates during search steps" }),
] as const satisfies readonly RunOption<any>[];

/** The declared option named `flag`. */
export function runOption(flag: string, options: readonly RunOption<unknown>[] = ENGINE_OPTIONS): RunOption<unknown> {
  const option = options.find((o) => o.flag === flag);
  if (!option) throw new Error(`no run option --${flag}`);
  return option;
}

/**
 * The value of `raw` (a command-line string or a JSON value) for `option`, or an S3petInputError naming
 * where it came from: `--batch-size must be an integer >= 1, got 'many'`, or with `source` a config
 * file: `cfg.json: "batch-size" must be ...`.
 */
export function parseRunOption<T>(option: RunOption<T>, raw: unknown, source?: string): T {
  const parsed = option.schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const where = source === undefined ? `--${option.flag}` : `${source}: "${option.flag}"`;
  const fix = source === undefined ? "" : ` (fix it there, or give --${option.flag})`;
  throw new S3petInputError(`${where} must be ${option.expects}, got ${showValue(raw)}${fix}`);
}

/** 'many' for strings (as typed), JSON otherwise: never "null" for what was really NaN or undefined. */
export function showValue(raw: unknown): string {
  if (typeof raw === "string") return `'${raw}'`;
  if (raw === undefined) return "nothing";
  if (typeof raw === "number" && !Number.isFinite(raw)) return String(raw);
  return JSON.stringify(raw);
}

/** The help text of an option's default: "(default: 16)", or "" when it has none. */
export function defaultLabel(option: RunOption<unknown>): string {
  if (option.defaultText !== undefined) return option.defaultText;
  const d = option.default;
  if (d === null || d === false || (Array.isArray(d) && d.length === 0)) return "";
  return option.defaultNote === undefined ? String(d) : `${String(d)}; ${option.defaultNote}`;
}

/** JSON Schema (draft 2020-12) of a --config file for `command`: the options' flags as keys. */
export function runOptionsJsonSchema(options: readonly RunOption<unknown>[], command: RunCommandName): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  for (const o of options) {
    if (!o.commands.includes(command)) continue;
    const { $schema: _, ...schema } = z.toJSONSchema(o.schema, { io: "input" }) as Record<string, unknown>;
    properties[o.flag] = { ...schema, description: o.doc, ...(o.default !== null ? { default: o.default } : {}) };
  }
  return { $schema: "https://json-schema.org/draft/2020-12/schema", title: `s3pet ${command} --config`, type: "object", properties, additionalProperties: false };
}
