// `s3pet eval <run>`: rebuilds a finished run's tuned model from its adapter/ on the same backbone, task
// splits and tokenisation (from the run's cli.json) and re-scores it on validation and test, next to
// the scores results.json recorded. It also scores what `s3pet export` writes (docs/EXPORT.md): a PEFT
// adapter directory (on --model) or a merged checkpoint (its own weights and classifier head).
import { existsSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import {
  evaluateRun,
  evaluateSaved,
  type EvaluateRunResult,
  isPeftAdapterDir,
  openSafetensors,
  PEFT_CONFIG_FILE,
  readPeftAdapter,
  S3petInputError,
  savedModelOfTensors,
  type HostTensors,
  type SavedModel,
} from "@s3pet/core";
import { formatScore } from "@s3pet/dashboard";
import { defineCommand, type CommandIo } from "../cli/command.js";
import { mergeFlagValues, resolveRunInputs } from "../run-config/resolve-run-options.js";
import { runFlag, type FlagValues } from "../run-config/run-flags.js";
import { readSavedRunOptions, SAVED_OPTIONS_FILE } from "../run-config/saved-run-options.js";
import { prepareRun } from "../run/prepare-run.js";

export const evalCommand = defineCommand({
  name: "eval",
  summary: "re-score a finished run's saved adapter on validation and test",
  description:
    `Loads <run>/adapter (adapter_config.json + adapter_model.safetensors) onto the run's backbone and scores it ` +
    `on the run's own task splits (read from <run>/${SAVED_OPTIONS_FILE}); --model and --task point elsewhere if they moved. ` +
    `<run> may also be a PEFT adapter directory (scored on --model) or a merged checkpoint from s3pet export; ` +
    `those need --task (and the run's --max-length/--max-examples/--seed when it set them).`,
  positionals: [{ name: "run", description: "a run directory, a PEFT adapter directory or a merged checkpoint", required: true }],
  options: {
    model: runFlag("model"),
    task: runFlag("task"),
    "max-length": runFlag("max-length"),
    "max-examples": runFlag("max-examples"),
    seed: runFlag("seed"),
    json: { type: "boolean", description: 'print {"metric", "validation", "test", "recorded"} as JSON' },
  },
  examples: [
    { command: "s3pet eval runs/search-20261126-101500", description: "re-score a search run's re-trained structure" },
    { command: "s3pet eval runs/train-1 --json", description: "machine-readable scores" },
    { command: "s3pet eval peft-adapter --task spam", description: "score a PEFT adapter on the embedded backbone" },
  ],
  async run({ values, positionals }, io) {
    const runDir = resolve(io.cwd, positionals[0]!);
    if (!existsSync(runDir)) throw new S3petInputError(`${positionals[0]}: no such directory; pass a run directory, a PEFT adapter or a merged checkpoint`);
    if (!statSync(runDir).isDirectory()) throw new S3petInputError(`${positionals[0]}: is a file; pass a run directory, a PEFT adapter or a merged checkpoint`);
    const taskFlags = { task: values.task, "max-length": values["max-length"], "max-examples": values["max-examples"], seed: values.seed };
    const exported = isPeftAdapterDir(runDir) ? "peft" : existsSync(join(runDir, "config.json")) ? "checkpoint" : null;
    if (!existsSync(join(runDir, "adapter")) && exported) {
      if (values.task === undefined) throw new S3petInputError(`${positionals[0]}: pass --task to say what to score the ${exported === "peft" ? "adapter" : "checkpoint"} on`);
      const model = exported === "checkpoint" ? runDir : (values.model ?? peftBaseModel(runDir));
      const inputs = resolveRunInputs(mergeFlagValues({ model } as FlagValues, taskFlags as FlagValues), io.cwd);
      const prepared = await prepareRun(inputs);
      const saved = exported === "peft" ? readPeftAdapter(runDir, prepared.backbone.sites, prepared.methods) : checkpointHead(runDir);
      const scores = evaluateSaved(saved, prepared.deps);
      printScores(io, values.json, runDir, prepared.task.name, { ...scores, recorded: null });
      return;
    }
    if (!existsSync(join(runDir, "adapter"))) {
      throw new S3petInputError(`${positionals[0]}: no adapter/ here; pass a run directory that s3pet search or s3pet train finished, a PEFT adapter or a merged checkpoint`);
    }
    const saved = readSavedRunOptions(runDir);
    if (!saved && (values.model === undefined || values.task === undefined)) {
      throw new S3petInputError(`${positionals[0]}: no ${SAVED_OPTIONS_FILE}; pass --model and --task to say what the run used`);
    }
    const flags = mergeFlagValues(saved?.flags, { model: values.model, ...taskFlags } as FlagValues);
    const prepared = await prepareRun(resolveRunInputs(flags, io.cwd));
    const scores = await evaluateRun(runDir, prepared.deps);
    printScores(io, values.json, runDir, prepared.task.name, scores);
  },
});

function printScores(io: CommandIo, json: boolean, runDir: string, taskName: string, scores: EvaluateRunResult): void {
  if (json) {
    io.stdout.write(`${JSON.stringify({ metric: scores.metric, validation: scores.validation, test: scores.test, recorded: scores.recorded })}\n`);
    return;
  }
  const rows = [
    [`${scores.metric}`, "validation", "test"],
    ["re-scored", formatScore(scores.validation), formatScore(scores.test)],
    ...(scores.recorded ? [["recorded (results.json)", formatScore(scores.recorded.validation), formatScore(scores.recorded.test)]] : []),
  ];
  const w = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  io.stdout.write(`eval ${runDir} · task ${taskName}\n${rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(w[c]!) : cell.padStart(w[c]!))).join("  ")).join("\n")}\n`);
}

/** The PEFT adapter's base_model_name_or_path when it is a directory here, else undefined (the embedded backbone). */
function peftBaseModel(dir: string): string | undefined {
  const base = (JSON.parse(readFileSync(join(dir, PEFT_CONFIG_FILE), "utf8")) as { base_model_name_or_path?: unknown }).base_model_name_or_path;
  return typeof base === "string" && existsSync(join(base, "config.json")) ? base : undefined;
}

/** A merged checkpoint as a SavedModel: no modules, the head from its classifier.* tensors. */
function checkpointHead(dir: string): SavedModel {
  const file = openSafetensors(join(dir, "model.safetensors"));
  try {
    const names = file.names().filter((n) => n.startsWith("classifier."));
    if (!names.includes("classifier.weight")) throw new S3petInputError(`${dir}: no classifier.weight in model.safetensors; pass a checkpoint written by s3pet export --merge`);
    const tensors: HostTensors = Object.fromEntries(names.map((n) => [`head.${n}`, file.readFloat32(n)]));
    return savedModelOfTensors(dir, [], tensors["head.classifier.weight"]!.shape[0]!, tensors);
  } finally {
    file.close();
  }
}
