// The flags of `search` and `train`: core's engine options (ENGINE_OPTIONS) plus the CLI's own input and
// output options below, in core's one declaration format (flag, type, default, doc, check). --help, the
// parser, the --config schema and docs/OPTIONS.md are all generated from RUN_OPTIONS (docs/ARCHITECTURE.md
// "CLI"). No flag declares a parse default, so a value from --config is only overridden by a flag actually
// given; resolveRunOptions applies the declared defaults. Other commands reuse a run flag with runFlag
// and declare their own options in the same format (commandFlags, optionValue).
import {
  choiceRunOption,
  defaultLabel,
  ENGINE_OPTIONS,
  intRunOption,
  parseRunOption,
  switchRunOption,
  textRunOption,
  type RunCommandName,
  type RunOption,
} from "@s3pet/core";
import { DEFAULT_TASK } from "@s3pet/data";
import type { OptionSpec } from "../cli/command.js";

/** What a run reads and where it reports: applied by the CLI, not the engine. */
const CLI_RUN_OPTIONS = [
  textRunOption({ flag: "model", valueName: "dir", default: null, defaultText: "the embedded assets/backbone", doc: "backbone checkpoint directory, Hugging Face layout" }),
  textRunOption({ flag: "task", valueName: "name|dir|glue:name:dir", default: DEFAULT_TASK, doc: "built-in task name, a directory with train/validation/test files, or a GLUE directory" }),
  textRunOption({ flag: "text-field", valueName: "name", default: null, defaultText: "text", doc: "custom tasks: field holding the text" }),
  textRunOption({ flag: "text-pair-field", valueName: "name", default: null, defaultText: "text_pair when present", doc: "custom tasks: field holding the second text of a pair" }),
  textRunOption({ flag: "label-field", valueName: "name", default: null, defaultText: "label", doc: "custom tasks: field holding the label" }),
  choiceRunOption({ flag: "task-kind", values: ["classification", "regression"], default: null, defaultText: "classification", doc: "custom tasks: what the label is" }),
  textRunOption({ flag: "metric", valueName: "name", default: null, defaultText: "accuracy, or pearson-spearman for regression", doc: "custom tasks: accuracy, f1, matthews, pearson-spearman, pearson or spearman" }),
  textRunOption({ flag: "methods", valueName: "list", default: null, defaultText: "every installed plugin's methods", doc: "comma-separated PET methods to use" }),
  textRunOption({ flag: "space", valueName: "name", default: null, doc: "a named search space: s3pet-m (the paper's: lora r=1, adapter, bitfit, lnfit, low-rank-adapter); --methods and method options win" }),
  textRunOption({ flag: "structure", commands: ["train"], valueName: "file|preset|random|full", default: "lora", doc: "what to train: a structure.json (or a run dir), a method preset (lora, adapter, bitfit, prefix, ...), random, or full" }),
  textRunOption({ flag: "init-adapter", commands: ["train"], valueName: "dir", default: null, doc: "start from a PEFT adapter (or a run): its modules are the structure, its weights (and head, if it fits) the initialisation" }),
  textRunOption({ flag: "out", short: "o", valueName: "dir", default: null, defaultText: "runs/<command>-<timestamp>", doc: "run directory; never overwritten" }),
  intRunOption({ flag: "max-length", min: 2, default: 64, doc: "tokens per example, special tokens included (64 hold the subject and first sentences of a mail)" }),
  intRunOption({ flag: "max-examples", default: null, doc: "cap per split, seeded and stratified, for quick runs" }),
  choiceRunOption({ flag: "ui", values: ["tui", "plain", "json"], default: null, defaultText: "tui on a terminal, plain otherwise", doc: "progress display" }),
  switchRunOption({ flag: "json", doc: "print results.json on stdout when done (progress goes to stderr)" }),
  textRunOption({ flag: "config", valueName: "file.json", default: null, doc: "read options from a JSON file with the flags' names as keys; flags win" }),
] as const satisfies readonly RunOption<any>[];

/** Every option of `search` and `train`, in --help order. */
export const RUN_OPTIONS: readonly RunOption[] = [...CLI_RUN_OPTIONS, ...ENGINE_OPTIONS];

/** The --help line of a declared option: its doc and its default. */
export function optionHelp(o: RunOption): string {
  const d = defaultLabel(o);
  return d === "" ? o.doc : `${o.doc} (default: ${d})`;
}

/** The parser's and --help's view of one declared option. */
function flagSpec(o: RunOption): OptionSpec {
  return {
    type: o.kind === "switch" ? "boolean" : "string",
    ...(o.kind === "list" ? { multiple: true } : {}),
    ...(o.short ? { short: o.short } : {}),
    ...(o.valueName ? { valueName: o.valueName } : {}),
    description: optionHelp(o),
  };
}

/** The flags of `command`, from the declaration. */
export function runFlags(command: RunCommandName): Record<string, OptionSpec> {
  return commandFlags(RUN_OPTIONS, command);
}

/** The flags of `command` among `options` (a command's own declared options: export, sweep, worker). */
export function commandFlags(options: readonly RunOption[], command: string): Record<string, OptionSpec> {
  return Object.fromEntries(options.filter((o) => o.commands.includes(command)).map((o) => [o.flag, flagSpec(o)]));
}

/**
 * The parser's view of one run flag, for commands that share it (eval, inspect, doctor, export): its type
 * and check stay the declared ones; `doc` says what it does there, and `defaultText: ""` drops the
 * run's default from the help where the command has none.
 */
export function runFlag(flag: string, as: { readonly doc?: string; readonly defaultText?: "" } = {}): OptionSpec {
  return flagSpec({ ...runOption(flag), ...as });
}

/** The run shape `inspect` and `doctor --model` plan the memory of: the run's flags, planned not run. */
export const MEMORY_PLAN_FLAGS = {
  "batch-size": runFlag("batch-size", { doc: "batch size of the memory plan" }),
  "max-length": runFlag("max-length", { doc: "tokens per example of the memory plan" }),
  workers: runFlag("workers", { doc: "data-parallel units of the memory plan" }),
  "micro-batch-size": runFlag("micro-batch-size", { doc: "examples a unit runs at once in the memory plan" }),
} as const satisfies Readonly<Record<string, OptionSpec>>;

/** The declared default of a run flag. */
export function declaredDefault<T>(flag: string): T {
  return runOption(flag).default as T;
}

/** A declared option's value in parsed flags, read and checked by its declaration, else its default. */
export function optionValue<T>(option: RunOption<T>, values: Readonly<Record<string, unknown>>): T | null {
  const raw = values[option.flag];
  return raw === undefined || (option.kind === "switch" && raw === false) ? option.default : parseRunOption(option, raw);
}

/** The declared option of a flag (of search or train). */
export function declaredOption(flag: string): RunOption | undefined {
  return RUN_OPTIONS.find((o) => o.flag === flag);
}

/** The declared option of a flag that must exist. */
export function runOption(flag: string): RunOption {
  const o = declaredOption(flag);
  if (!o) throw new Error(`no run option --${flag}`);
  return o;
}

/** Flag values as parsed (strings, booleans, lists), keyed by flag name. */
export type FlagValues = Readonly<Record<string, string | boolean | readonly string[] | undefined>>;
