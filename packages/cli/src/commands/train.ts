// `s3pet train`: train one fixed structure with the re-training protocol: a searched structure.json,
// a method's manual preset, a random structure under the budget, or full fine-tuning.
import { defineCommand } from "../cli/command.js";
import { runCommand, runCommandOptions } from "../run/run-command.js";

const options = await runCommandOptions("train");

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
  run: runCommand("train", options),
});
