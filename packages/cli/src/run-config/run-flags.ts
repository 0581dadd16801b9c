// The flags of `search` and `train`, declared once: the same objects parse the command line, print
// --help and define the keys a --config file may hold. No flag declares a parse
// default, so a value from --config is only overridden by a flag actually given; the defaults live in
// resolveRunOptions and are quoted in each description.
import type { OptionSpec } from "../cli/command.js";

/** Flags shared by search and train. */
export const SHARED_RUN_FLAGS = {
  model: { type: "string", valueName: "dir", description: "backbone checkpoint directory, Hugging Face layout (default: the embedded assets/backbone)" },
  task: { type: "string", valueName: "name|dir|glue:name:dir", description: "built-in task name, a directory with train/validation/test files, or a GLUE directory (default: spam)" },
  "text-field": { type: "string", valueName: "name", description: "custom tasks: field holding the text (default: text)" },
  "text-pair-field": { type: "string", valueName: "name", description: "custom tasks: field holding the second text of a pair (default: text_pair when present)" },
  "label-field": { type: "string", valueName: "name", description: "custom tasks: field holding the label (default: label)" },
  "task-kind": { type: "string", valueName: "classification|regression", description: "custom tasks: what the label is (default: classification)" },
  metric: { type: "string", valueName: "name", description: "custom tasks: accuracy, f1, matthews, pearson-spearman, pearson or spearman (default: accuracy, or pearson-spearman for regression)" },
  methods: { type: "string", valueName: "list", description: "comma-separated PET methods to use (default: every installed plugin's methods)" },
  space: { type: "string", valueName: "name", description: "a named search space: s3pet-m (the paper's: lora r=1, adapter, bitfit, lnfit, low-rank-adapter); --methods and method options win" },
  budget: { type: "string", valueName: "params|pct%", description: "trainable-parameter budget, absolute (12000) or relative to the backbone (0.1%) (default: 1% for search and random)" },
  seed: { type: "string", valueName: "n", description: "root seed of splits, data order, inits and gate noise (default: 42)" },
  out: { type: "string", short: "o", valueName: "dir", description: "run directory; never overwritten (default: runs/<command>-<timestamp>)" },
  resume: { type: "boolean", description: "continue the run in --out from its last checkpoint, with its saved options" },
  epochs: { type: "string", valueName: "n", description: "training epochs (search: both search and re-training) (default: 2)" },
  "batch-size": { type: "string", valueName: "n", description: "training batch size (default: 16)" },
  "max-length": { type: "string", valueName: "n", description: "tokens per example, special tokens included (default: 64)" },
  "max-examples": { type: "string", valueName: "n", description: "cap per split, seeded and stratified, for quick runs" },
  "max-steps": { type: "string", valueName: "n", description: "cap on the steps of each training phase, for quick runs" },
  lr: { type: "string", valueName: "x", description: "AdamW learning rate of the head, and of modules with --method-lrs off (default: 3e-3; 3e-4 for --structure full)" },
  "method-lrs": { type: "string", valueName: "on|off", description: "train each method's modules at its plugin's declared rate (--<method>.lr overrides) (default: on)" },
  include: { type: "string", multiple: true, valueName: "pattern", description: "only sites matching (suffix or /regex/); repeatable" },
  exclude: { type: "string", multiple: true, valueName: "pattern", description: "leave out sites matching (suffix or /regex/); repeatable" },
  "count-head": { type: "boolean", description: "count the task head's parameters inside the budget" },
  "eval-every": { type: "string", valueName: "n", description: "evaluate on validation every n steps (default: once per epoch)" },
  "checkpoint-every": { type: "string", valueName: "n", description: "write a resumable checkpoint every n steps (default: 50)" },
  patience: { type: "string", valueName: "n", description: "stop a phase after n evaluations without improvement" },
  workers: { type: "string", valueName: "n", description: "data-parallel units: the main thread and n-1 worker threads, each with its own backend and model copy; a run is deterministic for a given n (default: one per core)" },
  "micro-batch-size": {
    type: "string",
    valueName: "n|auto",
    description: "examples a unit runs through the model at once; its shard of each batch runs in micro-batches whose gradients are summed (a run is deterministic for a given --workers and n) (default: auto, the largest the memory plan fits: the whole shard when it fits)",
  },
  ui: { type: "string", valueName: "tui|plain|json", description: "progress display (default: tui on a terminal, plain otherwise)" },
  json: { type: "boolean", description: "print results.json on stdout when done (progress goes to stderr)" },
  config: { type: "string", valueName: "file.json", description: "read options from a JSON file with the flags' names as keys; flags win" },
} as const satisfies Readonly<Record<string, OptionSpec>>;

/** The run shape `inspect` and `doctor --model` plan the memory of. */
export const MEMORY_PLAN_FLAGS = {
  "batch-size": { ...SHARED_RUN_FLAGS["batch-size"], description: "batch size of the memory plan (default: 16)" },
  "max-length": { ...SHARED_RUN_FLAGS["max-length"], description: "tokens per example of the memory plan (default: 64)" },
  workers: { ...SHARED_RUN_FLAGS.workers, description: "data-parallel units of the memory plan (default: one per core that fits)" },
  "micro-batch-size": { ...SHARED_RUN_FLAGS["micro-batch-size"], description: "examples per pass of the memory plan (default: auto, the largest that fits)" },
} as const satisfies Readonly<Record<string, OptionSpec>>;

/** Flags only `search` has. */
export const SEARCH_FLAGS = {
  "search-epochs": { type: "string", valueName: "n", description: "epochs of the bi-level search (default: --epochs)" },
  "retrain-epochs": { type: "string", valueName: "n", description: "epochs of re-training the chosen structure (default: --epochs)" },
  "alpha-lr": { type: "string", valueName: "x", description: "AdamW learning rate of the structure parameters (default: 0.1)" },
  temperature: { type: "string", valueName: "x", description: "shifted global sigmoid temperature (default: 1)" },
  "shift-gradient": { type: "string", valueName: "implicit|detach-sum|none", description: "gradient through the shift (default: implicit)" },
  order: { type: "string", valueName: "first|second", description: "DARTS order of the structure step (default: first)" },
  "hard-gates": { type: "boolean", description: "straight-through hard gates during search steps" },
} as const satisfies Readonly<Record<string, OptionSpec>>;

/** Flags only `train` has. */
export const TRAIN_FLAGS = {
  structure: {
    type: "string",
    valueName: "file|preset|random|full",
    description: "what to train: a structure.json (or a run dir), a method preset (lora, adapter, bitfit, prefix, ...), random, or full (default: lora)",
  },
  "init-adapter": {
    type: "string",
    valueName: "dir",
    description: "start from a PEFT adapter (or a run): its modules are the structure, its weights (and head, if it fits) the initialisation",
  },
} as const satisfies Readonly<Record<string, OptionSpec>>;

/** Flag values as parsed (strings, booleans, lists), keyed by flag name. */
export type FlagValues = Readonly<Record<string, string | boolean | readonly string[] | undefined>>;
