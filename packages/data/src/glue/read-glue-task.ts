// A GLUE-format directory as a task. GLUE's test files have no labels, so then test = the dev file and
// validation = a seeded, stratified 10 % of train (said in the task's notes); a test file that does carry
// labels is used as test.
import { existsSync, openSync, readSync, closeSync, statSync } from "node:fs";
import { join } from "node:path";
import { S3petInputError } from "@s3pet/core";
import { findGlueTask, GLUE_TASKS, type GlueTaskSpec } from "./glue-tasks.js";
import { buildTaskData } from "../task/build-task-data.js";
import { extractExamples, type FieldFixes } from "../task/extract-examples.js";
import { LabelSpace } from "../task/label-space.js";
import type { TaskData, SplitName } from "../task/task-data.js";
import type { TaskOptions } from "../task/task-options.js";
import { readRows } from "../readers/read-rows.js";
import { findMetric } from "../metrics/metrics.js";

export function readGlueTask(name: string, dir: string, options: TaskOptions): TaskData {
  const spec = findGlueTask(name);
  const input = `--task glue:${name}:${dir}`;
  if (!spec) throw new S3petInputError(`${input}: unknown GLUE task '${name}' (use one of ${GLUE_TASKS.map((t) => t.name).join(", ")})`);
  for (const flag of ["textField", "textPairField", "labelField", "kind", "metric"] as const) {
    if (options[flag] !== undefined) throw new S3petInputError(`${input}: --${flag.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} applies to custom tasks; GLUE tasks have fixed columns and metric`);
  }
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new S3petInputError(`${input}: no such directory`);
  const file = (split: SplitName) => spec.files[split].map((f) => join(dir, f)).find((f) => existsSync(f));
  const train = file("train");
  const dev = file("validation");
  if (!train || !dev) {
    const lacking = !train ? spec.files.train : spec.files.validation;
    throw new S3petInputError(`${input}: missing ${lacking.join(" or ")} (a GLUE ${spec.name} directory holds ${spec.files.train[0]}, ${spec.files.validation[0]} and ${spec.files.test[0]})`);
  }
  const test = file("test");
  const labelledTest = test !== undefined && hasLabels(test, spec);
  const fixes = glueFixes(spec);
  const read = (f: string) => extractExamples(readRows(f, spec.columns ? { columns: spec.columns } : {}), spec.fields, spec.kind, fixes);
  const notes = labelledTest
    ? []
    : [`GLUE's ${spec.files.test[0]} has no labels: test = ${dev} (GLUE's validation set)`];
  return buildTaskData({
    name: `glue:${spec.name}`,
    kind: spec.kind,
    metric: findMetric(spec.metric, spec.kind),
    ...(spec.labels ? { labels: LabelSpace.of(spec.labels) } : {}),
    hasPairs: spec.fields.textPair !== null,
    raw: labelledTest ? { train: read(train), validation: read(dev), test: read(test!) } : { train: read(train), test: read(dev) },
    files: labelledTest ? { train, validation: dev, test: test! } : { train, test: dev },
    seed: options.seed,
    ...(options.maxExamples !== undefined ? { maxExamples: options.maxExamples } : {}),
    notes,
  });
}

/** Whether a test file carries labels: its header names the label column (or, headerless, all columns are there). */
function hasLabels(file: string, spec: GlueTaskSpec): boolean {
  const cells = firstLine(file).split("\t");
  if (spec.columns) return cells.length === spec.columns.length && cells[0] !== "index";
  return cells.map((c) => c.trim()).includes(spec.fields.label);
}

function firstLine(file: string): string {
  const fd = openSync(file, "r");
  try {
    const buf = Buffer.alloc(4096);
    const n = readSync(fd, buf, 0, buf.length, 0);
    return buf.subarray(0, n).toString("utf8").replace(/^\uFEFF/, "").split(/\r?\n/)[0]!;
  } finally {
    closeSync(fd);
  }
}

function glueFixes(spec: GlueTaskSpec): FieldFixes {
  const layout = spec.columns
    ? `GLUE's ${spec.name} files have no header and the columns ${spec.columns.join(", ")}`
    : `GLUE's ${spec.name} header names ${[spec.fields.text, spec.fields.textPair, spec.fields.label].filter((f) => f !== null).join(", ")}`;
  return { text: layout, textPair: layout, label: layout };
}
