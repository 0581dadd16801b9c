// Flag values (saved run options < --config < flags) -> RunOptions: every value read and checked by its
// declaration (run-flags.ts, core's run-options.ts) with one-line errors naming the flag, the defaults a run
// needs before the engine starts applied from the same declaration, paths made absolute, and the run
// directory chosen and checked (never an existing run without --resume). Engine settings go through as a
// partial SearchConfig; core fills the rest from the declaration.
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { checkOutDir, ENGINE_OPTIONS, FULL_FINE_TUNING_LR, parseRunOption, S3petInputError, searchEpochsFor, type RunOption, type SearchConfig } from "@s3pet/core";
import { findAssetDir, type TaskKind, type TaskOptions } from "@s3pet/data";
import { methodLrFrom } from "./method-lr-flags.js";
import { methodOptionsFrom } from "./method-option-flags.js";
import { searchSpacePreset } from "./search-space-presets.js";
import { declaredDefault, declaredOption, type FlagValues } from "./run-flags.js";

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
  /**
   * Resolve without looking at the output directory: a sweep checks its runs' flags before any run has
   * one (the sweep sets --out and --resume itself). @default false
   */
  readonly skipOutDirCheck?: boolean;
}

export function resolveRunOptions(command: RunCommand, flags: FlagValues, ctx: ResolveContext): RunOptions {
  const inputs = resolveRunInputs(flags, ctx.cwd);
  const str = (name: string) => stringFlag(flags, name);
  const resume = flags["resume"] === true;
  const outDir = chooseOutDir(command, str("out"), resume, ctx);
  const json = flags["json"] === true;
  const ui = valueOf<string>(flags, "ui");
  const epochs = valueOf<number>(flags, "epochs") ?? declaredDefault<number>("epochs");
  const structureFlag = str("structure");
  const initAdapter = command === "train" && str("init-adapter") !== undefined ? resolve(ctx.cwd, str("init-adapter")!) : null;
  if (initAdapter !== null && structureFlag !== undefined) throw new S3petInputError("--init-adapter: the adapter's modules are the structure; drop --structure");
  const structure = command === "train" ? resolveStructureFlag(structureFlag ?? declaredDefault<string>("structure"), ctx.cwd) : null;
  // A budget matters to a search and to a random structure; other fixed structures have their own size.
  const budget = valueOf<string | number>(flags, "budget") ?? (command === "search" || structure === "random" ? declaredDefault<string>("budget") : undefined);
  // Every engine option the flags give, read and checked by its declaration (core applies the rest).
  const given: Record<string, unknown> = {};
  for (const o of ENGINE_OPTIONS as readonly RunOption[]) {
    if (o.key === undefined || !o.commands.includes(command) || o.kind === "switch") continue;
    const value = o.kind === "list" ? listValue(flags[o.flag]) : valueOf(flags, o.flag);
    if (value !== undefined) given[o.key] = value;
  }
  for (const flag of ["count-head", "hard-gates"]) if (flags[flag] === true && declaredOption(flag)!.commands.includes(command)) given[declaredOption(flag)!.key!] = true;
  const engine: EngineOptions = {
    ...given,
    seed: inputs.taskOptions.seed,
    resume,
    trainEpochs: (given["trainEpochs"] as number | undefined) ?? epochs,
    ...(command === "search" ? { searchEpochs: (given["searchEpochs"] as number | undefined) ?? searchEpochsFor(epochs) } : {}),
    ...optional("budget", budget),
    lr: (given["lr"] as number | undefined) ?? (structure === "full" ? FULL_FINE_TUNING_LR : declaredDefault<number>("lr")),
    methodOptions: withSpacePreset(str("space"), inputs.methods, methodOptionsFrom(flags)),
    ...optional("methodLr", nonEmpty(methodLrFrom(flags))),
  };

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
  const task = absoluteTaskSpec(str("task") ?? declaredDefault<string>("task"), cwd);
  const taskOptions: TaskOptions = {
    seed: valueOf<number>(flags, "seed") ?? declaredDefault<number>("seed"),
    ...optional("maxExamples", valueOf<number>(flags, "max-examples")),
    ...optional("textField", valueOf<string>(flags, "text-field")),
    ...optional("textPairField", valueOf<string>(flags, "text-pair-field")),
    ...optional("labelField", valueOf<string>(flags, "label-field")),
    ...optional("kind", valueOf<TaskKind>(flags, "task-kind")),
    ...optional("metric", valueOf<string>(flags, "metric")),
  };
  const space = str("space") === undefined ? null : searchSpacePreset(str("space")!);
  const methods = str("methods") === undefined ? (space ? [...space.methods] : null) : listFlag(str("methods")!, "--methods");
  return { modelDir, task, taskOptions, methods, maxLength: valueOf<number>(flags, "max-length") ?? declaredDefault<number>("max-length") };
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
    if (ctx.skipOutDirCheck !== true) checkOutDir(dir, resume, given);
    return dir;
  }
  const stamp = ctx.now.toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15); // 20261126-210501
  const base = join(ctx.cwd, "runs", `${command}-${stamp}`);
  let dir = base;
  for (let n = 2; existsSync(dir); n++) dir = `${base}-${n}`;
  if (ctx.skipOutDirCheck !== true) checkOutDir(dir, false);
  return dir;
}

function stringFlag(flags: FlagValues, name: string): string | undefined {
  const v = flags[name];
  if (v === undefined || typeof v === "boolean") return undefined;
  return typeof v === "string" ? v : v.join(",");
}

/** The value of a declared option's flag, read and checked by its declaration; undefined when not given. */
export function valueOf<T>(flags: FlagValues, name: string): T | undefined {
  const v = stringFlag(flags, name);
  return v === undefined ? undefined : (parseRunOption(declaredOption(name)!, v) as T);
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

/** The --space preset's option values (for the methods in use) under the ones given as flags. */
function withSpacePreset(space: string | undefined, methods: readonly string[] | null, given: Record<string, Record<string, unknown>>): Record<string, Record<string, unknown>> {
  if (space === undefined) return given;
  const out: Record<string, Record<string, unknown>> = {};
  for (const [method, options] of Object.entries(searchSpacePreset(space).methodOptions)) if (!methods || methods.includes(method)) out[method] = { ...options };
  for (const [method, options] of Object.entries(given)) out[method] = { ...out[method], ...options };
  return out;
}
