// `s3pet search`: search -> discretise -> re-train -> test on the embedded backbone and task unless
// told otherwise; the run directory holds everything (docs/ARCHITECTURE.md "Run directory").
import { defineCommand } from "../cli/command.js";
import { runCommand, runCommandOptions } from "../run/run-command.js";

const options = await runCommandOptions("search");

export const search = defineCommand({
  name: "search",
  summary: "search a sparse PET structure under a parameter budget, re-train it and test it",
  description:
    "Puts every candidate (method x site) into the backbone, learns which to keep by bi-level optimisation under " +
    "the budget (shifted global sigmoid), keeps the best that fit, re-trains them from scratch and scores them on " +
    "test next to the majority-class baseline. With no flags: the embedded backbone and the spam task. " +
    "Ctrl-C stops after a checkpoint (a second Ctrl-C exits at once); --resume continues.",
  options,
  examples: [
    { command: "s3pet search", description: "the default run: embedded backbone, spam task, budget 1%" },
    { command: "s3pet search --budget 5000 --methods lora,bitfit --out runs/small", description: "a 5,000-parameter budget over LoRA and BitFit" },
    { command: "s3pet search --task glue:rte:./glue/RTE --max-length 128", description: "a GLUE task from its TSV directory" },
    { command: "s3pet search --task ./mydata --text-field body --label-field tag", description: "a custom task: train/validation/test JSONL, CSV or TSV files" },
    { command: "s3pet search --out runs/small --resume", description: "continue a stopped or killed run" },
    { command: "s3pet search --max-examples 64 --epochs 1 --max-length 32 --ui plain", description: "a quick smoke run" },
  ],
  run: runCommand("search", options),
});
