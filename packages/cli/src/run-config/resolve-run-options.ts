// Flag values (saved run options < --config < flags) -> RunOptions: defaults applied, numbers and enums
// checked with one-line errors naming the flag, paths made absolute, and the run directory chosen
// (never an existing run without --resume). Engine settings go through as a partial SearchConfig,
// which core validates again with its own messages.
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { checkOutDir, S3petInputError, type SearchConfig, type ShiftGradient } from "@s3pet/core";
import { DEFAULT_TASK, findAssetDir, type TaskKind, type TaskOptions } from "@s3pet/data";
import { methodLrFrom } from "./method-lr-flags.js";
import { methodOptionsFrom } from "./method-option-flags.js";
import { searchSpacePreset } from "./search-space-presets.js";
import type { FlagValues } from "./run-flags.js";

export type RunCommand = "search" | "train";

/** Engine settings the CLI passes to runSearch / runTrain (runTrain ignores the search-only keys). */
export type EngineOptions = Partial<SearchConfig>;

/** What a run reads: the same for search, train, eval (from cli.json) and inspect. */
export interface RunInputs {
  readonly modelDir: string;
  /** The --task spec with paths made absolute. */
  readonly task: string;
  readonly taskOptions: TaskOptions;
  /** null: every installed method. */
  readonly methods: readonly string[] | null;
  readonly maxLength: number;
}

export interface RunOptions extends RunInputs {
  readonly command: RunCommand;
  readonly outDir: string;
  readonly resume: boolean;
  /** --ui as given (chooseUi decides against the terminal). */
  readonly ui: string | undefined;
  readonly json: boolean;
  /** train: the --structure value (a file, a run dir, a preset, random or full). */
  readonly structure: string | null;
  /** train: --init-adapter as an absolute path (a PEFT adapter or run directory), or null. */
  readonly initAdapter: string | null;
  readonly engine: EngineOptions;
  /** The merged flag values (absolute paths), saved to cli.json. */
  readonly flags: FlagValues;
}

export interface ResolveContext {
  readonly cwd: string;
  readonly now: Date;
}

/**
 * Defaults of the CLI (the engine's own apply to everything not listed). Chosen so that `s3pet search`
 * with no flags runs in a few minutes on 2 cores and clearly beats the majority baseline on the
 * embedded backbone and task (measured: docs in assets/tasks/spam/README.md): 64 tokens hold the
 * subject and first sentences of a mail; a 1% budget leaves room for a few LoRA modules next to the
 * cheap ones; and PET modules this small need a larger learning rate than the paper's 3e-4
 * (docs/BENCHMARKS.md) to learn in 2 epochs. Full fine-tuning keeps 3e-4.
 */
export const RUN_DEFAULTS = {
  seed: 42,
  maxLength: 64,
  epochs: 2,
  budget: "1%",
  lr: 3e-3,
  fullFineTuningLr: 3e-4,
  trainStructure: "lora",
} as const;

export function resolveRunOptions(command: RunCommand, flags: FlagValues, ctx: ResolveContext): RunOptions {
  const inputs = resolveRunInputs(flags, ctx.cwd);
  const str = (name: string) => stringFlag(flags, name);
  const resume = flags["resume"] === true;
  const outDir = chooseOutDir(command, str("out"), resume, ctx);
  const json = flags["json"] === true;
  const ui = str("ui");
  const epochs = intFlag(flags, "epochs");
  const structureFlag = str("structure");
  const initAdapter = command === "train" && str("init-adapter") !== undefined ? resolve(ctx.cwd, str("init-adapter")!) : null;
  if (initAdapter !== null && structureFlag !== undefined) throw new S3petInputError("--init-adapter: the adapter's modules are the structure; drop --structure");
  const structure = command === "train" ? resolveStructureFlag(structureFlag ?? RUN_DEFAULTS.trainStructure, ctx.cwd) : null;
  // A budget matters to a search and to a random structure; other fixed structures have their own size.
  const budgetText = str("budget") ?? (command === "search" || structure === "random" ? RUN_DEFAULTS.budget : undefined);
  const common: EngineOptions = {
    seed: inputs.taskOptions.seed,
    resume,
    trainEpochs: intFlag(flags, "retrain-epochs") ?? epochs ?? RUN_DEFAULTS.epochs,
    ...optional("budget", budgetText),
    ...optional("batchSize", intFlag(flags, "batch-size")),
    lr: numberFlag(flags, "lr") ?? (structure === "full" ? RUN_DEFAULTS.fullFineTuningLr : RUN_DEFAULTS.lr),
    ...optional("maxSteps", intFlag(flags, "max-steps")),
    ...optional("evalEvery", intFlag(flags, "eval-every")),
    ...optional("checkpointEvery", intFlag(flags, "checkpoint-every")),
    ...optional("patience", intFlag(flags, "patience")),
    ...optional("workers", intFlag(flags, "workers")),
    ...optional("microBatchSize", microBatchFlag(flags)),
    ...optional("include", listValue(flags["include"])),
    ...optional("exclude", listValue(flags["exclude"])),
    ...(flags["count-head"] === true ? { countHead: true } : {}),
    methodOptions: withSpacePreset(str("space"), inputs.methods, methodOptionsFrom(flags)),
    ...optional("methodLr", nonEmpty(methodLrFrom(flags))),
    ...optional("methodLrs", onOff(enumFlag<"on" | "off">(flags, "method-lrs", ["on", "off"]))),
  };
  const engine: EngineOptions =
    command === "search"
      ? {
          ...common,
          searchEpochs: intFlag(flags, "search-epochs") ?? epochs ?? RUN_DEFAULTS.epochs,
          ...optional("alphaLr", numberFlag(flags, "alpha-lr")),
          ...optional("temperature", numberFlag(flags, "temperature")),
          ...optional("shiftGradient", enumFlag<ShiftGradient>(flags, "shift-gradient", ["implicit", "detach-sum", "none"])),
          ...optional("order", enumFlag<"first" | "second">(flags, "order", ["first", "second"])),
          ...(flags["hard-gates"] === true ? { hardGates: true } : {}),
        }
      : common;

  const absoluteFlags: Record<string, FlagValues[string]> = { ...flags, model: inputs.modelDir, task: inputs.task, out: outDir };
  if (structure !== null && structureFlag !== undefined) absoluteFlags["structure"] = structure;
  if (initAdapter !== null) absoluteFlags["init-adapter"] = initAdapter;
  delete absoluteFlags["config"];
  delete absoluteFlags["resume"];
  return { command, ...inputs, outDir, resume, ui, json, structure, initAdapter, engine, flags: absoluteFlags };
}

/** What a run reads (model, task, methods, tokenisation), also used by eval and inspect. */
export function resolveRunInputs(flags: FlagValues, cwd: string): RunInputs {
  const str = (name: string) => stringFlag(flags, name);
  const modelDir = str("model") !== undefined ? resolve(cwd, str("model")!) : defaultModelDir();
  const task = absoluteTaskSpec(str("task") ?? DEFAULT_TASK, cwd);
  const taskOptions: TaskOptions = {
    seed: intFlag(flags, "seed", { min: 0 }) ?? RUN_DEFAULTS.seed,
    ...optional("maxExamples", intFlag(flags, "max-examples")),
    ...optional("textField", str("text-field")),
    ...optional("textPairField", str("text-pair-field")),
    ...optional("labelField", str("label-field")),
    ...optional("kind", enumFlag<TaskKind>(flags, "task-kind", ["classification", "regression"])),
    ...optional("metric", str("metric")),
  };
  const space = str("space") === undefined ? null : searchSpacePreset(str("space")!);
  const methods = str("methods") === undefined ? (space ? [...space.methods] : null) : listFlag(str("methods")!, "--methods");
  return { modelDir, task, taskOptions, methods, maxLength: intFlag(flags, "max-length", { min: 2 }) ?? RUN_DEFAULTS.maxLength };
}

/** Later sources win; `undefined` and unset booleans (false) do not override. */
export function mergeFlagValues(...sources: readonly (FlagValues | null | undefined)[]): FlagValues {
  const out: Record<string, FlagValues[string]> = {};
  for (const source of sources) {
    for (const [k, v] of Object.entries(source ?? {})) {
      if (v === undefined || v === false || (Array.isArray(v) && v.length === 0)) continue;
      out[k] = v;
    }
  }
  return out;
}

function defaultModelDir(): string {
  const dir = findAssetDir("backbone");
  if (!dir) throw new S3petInputError("--model: the embedded backbone (assets/backbone) is not reachable from here; pass --model <checkpoint dir>");
  return dir;
}

/** Built-in names stay names; directories and glue:<name>:<dir> get absolute paths (for cli.json). */
function absoluteTaskSpec(spec: string, cwd: string): string {
  if (spec.startsWith("glue:")) {
    const [, name, ...dir] = spec.split(":");
    const path = dir.join(":");
    return name && path ? `glue:${name}:${resolve(cwd, path)}` : spec;
  }
  const path = resolve(cwd, spec);
  if (existsSync(path)) return path;
  return spec; // a built-in name, or a typo that loadTask reports as typed
}

function resolveStructureFlag(value: string, cwd: string): string {
  const path = resolve(cwd, value);
  return value.includes("/") || value.endsWith(".json") || existsSync(path) ? path : value;
}

function chooseOutDir(command: RunCommand, given: string | undefined, resume: boolean, ctx: ResolveContext): string {
  if (resume && given === undefined) throw new S3petInputError("--resume continues the run named by --out; pass --out <run dir>");
  if (given !== undefined) {
    const dir = resolve(ctx.cwd, given);
    checkOutDir(dir, resume, given);
    return dir;
  }
  const stamp = ctx.now.toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15); // 20261126-210501
  const base = join(ctx.cwd, "runs", `${command}-${stamp}`);
  let dir = base;
  for (let n = 2; existsSync(dir); n++) dir = `${base}-${n}`;
  checkOutDir(dir, false);
  return dir;
}

function stringFlag(flags: FlagValues, name: string): string | undefined {
  const v = flags[name];
  if (v === undefined || typeof v === "boolean") return undefined;
  return typeof v === "string" ? v : v.join(",");
}

export function intFlag(flags: FlagValues, name: string, { min = 1 } = {}): number | undefined {
  const v = stringFlag(flags, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!/^\s*-?\d+\s*$/.test(v) || n < min || !Number.isSafeInteger(n)) {
    throw new S3petInputError(`--${name} must be an integer >= ${min}, got '${v}'`);
  }
  return n;
}

/** --micro-batch-size: a number of examples or auto. */
export function microBatchFlag(flags: FlagValues): number | "auto" | undefined {
  const v = stringFlag(flags, "micro-batch-size");
  if (v === undefined) return undefined;
  if (v.trim() === "auto") return "auto";
  const n = Number(v);
  if (!/^\s*\d+\s*$/.test(v) || n < 1 || !Number.isSafeInteger(n)) throw new S3petInputError(`--micro-batch-size must be an integer >= 1 or auto, got '${v}'`);
  return n;
}

function numberFlag(flags: FlagValues, name: string): number | undefined {
  const v = stringFlag(flags, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v.trim() === "" || !Number.isFinite(n) || n <= 0) throw new S3petInputError(`--${name} must be a positive number, got '${v}'`);
  return n;
}

function enumFlag<T extends string>(flags: FlagValues, name: string, values: readonly T[]): T | undefined {
  const v = stringFlag(flags, name);
  if (v === undefined) return undefined;
  if (!values.includes(v as T)) throw new S3petInputError(`--${name} must be one of ${values.join(", ")}, got '${v}'`);
  return v as T;
}

function listFlag(text: string, flag: string): string[] {
  const items = text.split(",").map((s) => s.trim()).filter((s) => s.length > 0);
  if (items.length === 0) throw new S3petInputError(`${flag} needs at least one name, e.g. ${flag} lora,adapter`);
  return items;
}

function listValue(v: FlagValues[string]): string[] | undefined {
  if (v === undefined || typeof v === "boolean") return undefined;
  return typeof v === "string" ? [v] : [...v];
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

function nonEmpty<T extends object>(o: T): T | undefined {
  return Object.keys(o).length ? o : undefined;
}

function onOff(v: "on" | "off" | undefined): boolean | undefined {
  return v === undefined ? undefined : v === "on";
}

/** The --space preset's option values (for the methods in use) under the ones given as flags. */
function withSpacePreset(space: string | undefined, methods: readonly string[] | null, given: Record<string, Record<string, unknown>>): Record<string, Record<string, unknown>> {
  if (space === undefined) return given;
  const out: Record<string, Record<string, unknown>> = {};
  for (const [method, options] of Object.entries(searchSpacePreset(space).methodOptions)) if (!methods || methods.includes(method)) out[method] = { ...options };
  for (const [method, options] of Object.entries(given)) out[method] = { ...out[method], ...options };
  return out;
}
