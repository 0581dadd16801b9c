// `s3pet train`: train one fixed structure with the re-training protocol: a searched structure.json,
// a method's manual preset, a random structure under the budget, or full fine-tuning.
import { defineCommand, type OptionSpecs } from "../cli/command.js";
import { gatherFlags } from "../run-config/gather-flags.js";
import { methodOptionFlags } from "../run-config/method-option-flags.js";
import { resolveRunOptions } from "../run-config/resolve-run-options.js";
import { runFlags, type FlagValues } from "../run-config/run-flags.js";
import { executeRun } from "../run/execute-run.js";

const options = { ...runFlags("train"), ...(await methodOptionFlags()) } satisfies OptionSpecs;

export const train = defineCommand({
  name: "train",
  summary: "train a fixed structure: a structure.json, a preset (lora, adapter, bitfit, prefix), random or full",
  description:
    "Trains the given structure from a fresh initialisation on the frozen backbone (full: the backbone too), " +
    "picks the best validation checkpoint and scores it on test. Given a search run's structure.json, options " +
    "not on the command line default to that run's, so it reproduces the search's re-training.",
  options,
  examples: [
    { command: "s3pet train", description: "the LoRA preset (r=8 on query and value) on the defaults" },
    { command: "s3pet train --structure runs/search-1/structure.json", description: "re-train a searched structure with that run's options" },
    { command: "s3pet train --structure random --budget 0.1%", description: "a random structure under the budget (the paper's baseline)" },
    { command: "s3pet train --structure full --epochs 2", description: "full fine-tuning, the 100% reference" },
  ],
  run({ values }, io) {
    const flags = gatherFlags("train", values as FlagValues, options, io.cwd);
    return executeRun(resolveRunOptions("train", flags, { cwd: io.cwd, now: new Date() }), io);
  },
});
