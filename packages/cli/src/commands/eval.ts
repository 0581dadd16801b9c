// `s3pet eval <run>`: rebuilds a finished run's tuned model from its adapter/ on the same backbone, task
// splits and tokenisation (from the run's cli.json) and re-scores it on validation and test, next to
// the scores results.json recorded.
import { existsSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { evaluateRun, S3petInputError } from "@s3pet/core";
import { formatScore } from "@s3pet/dashboard";
import { defineCommand } from "../cli/command.js";
import { mergeFlagValues, resolveRunInputs } from "../run-config/resolve-run-options.js";
import { runFlag, type FlagValues } from "../run-config/run-flags.js";
import { readSavedRunOptions, SAVED_OPTIONS_FILE } from "../run-config/saved-run-options.js";
import { prepareRun } from "../run/prepare-run.js";

export const evalCommand = defineCommand({
  name: "eval",
  summary: "re-score a finished run's saved adapter on validation and test",
  description:
    `Loads <run>/adapter (adapter_config.json + adapter_model.safetensors) onto the run's backbone and scores it ` +
    `on the run's own task splits (read from <run>/${SAVED_OPTIONS_FILE}); --model and --task point elsewhere if they moved.`,
  positionals: [{ name: "run", description: "a run directory written by s3pet search or s3pet train", required: true }],
  options: {
    model: runFlag("model"),
    task: runFlag("task"),
    json: { type: "boolean", description: 'print {"metric", "validation", "test", "recorded"} as JSON' },
  },
  examples: [
    { command: "s3pet eval runs/search-20261126-101500", description: "re-score a search run's re-trained structure" },
    { command: "s3pet eval runs/train-1 --json", description: "machine-readable scores" },
  ],
  async run({ values, positionals }, io) {
    const runDir = resolve(io.cwd, positionals[0]!);
    if (!existsSync(runDir)) throw new S3petInputError(`${positionals[0]}: no such directory; pass a run directory that s3pet search or s3pet train finished`);
    if (!statSync(runDir).isDirectory()) throw new S3petInputError(`${positionals[0]}: is a file; pass a run directory that s3pet search or s3pet train finished`);
    if (!existsSync(join(runDir, "adapter"))) {
      throw new S3petInputError(`${positionals[0]}: no adapter/ here; pass a run directory that s3pet search or s3pet train finished`);
    }
    const saved = readSavedRunOptions(runDir);
    if (!saved && (values.model === undefined || values.task === undefined)) {
      throw new S3petInputError(`${positionals[0]}: no ${SAVED_OPTIONS_FILE}; pass --model and --task to say what the run used`);
    }
    const flags = mergeFlagValues(saved?.flags, { model: values.model, task: values.task } as FlagValues);
    const prepared = await prepareRun(resolveRunInputs(flags, io.cwd));
    const scores = await evaluateRun(runDir, prepared.deps);
    if (values.json) {
      io.stdout.write(`${JSON.stringify({ metric: scores.metric, validation: scores.validation, test: scores.test, recorded: scores.recorded })}\n`);
      return;
    }
    const rows = [
      [`${scores.metric}`, "validation", "test"],
      ["re-scored", formatScore(scores.validation), formatScore(scores.test)],
      ...(scores.recorded ? [["recorded (results.json)", formatScore(scores.recorded.validation), formatScore(scores.recorded.test)]] : []),
    ];
    const w = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
    io.stdout.write(`eval ${runDir} · task ${prepared.task.name}\n${rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(w[c]!) : cell.padStart(w[c]!))).join("  ")).join("\n")}\n`);
  },
});
