// A custom task: a directory holding train, validation (optional) and test files (.jsonl, .csv or .tsv;
// `dev` and `val` are accepted for validation), with an optional task.json, or a single data file that
// is split seeded 80/10/10. Field names come from the flags, then task.json, then the defaults.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, extname, join } from "node:path";
import { briefJson, S3petInputError } from "@s3pet/core";
import { buildTaskData } from "./build-task-data.js";
import { CUSTOM_FIELD_FIXES, extractExamples, type FieldNames, type RawExample } from "./extract-examples.js";
import { LabelSpace } from "./label-space.js";
import type { TaskData, SplitName } from "./task-data.js";
import type { TaskOptions } from "./task-options.js";
import { DATA_FILE_EXTENSIONS, readRows } from "../readers/read-rows.js";
import type { TableRow } from "../readers/table-row.js";
import { findMetric, type TaskKind } from "../metrics/metrics.js";

/** task.json: the same keys as the flags, plus a fixed label order. Flags win. */
export interface TaskManifest {
  readonly name?: string;
  readonly kind?: TaskKind;
  readonly metric?: string;
  readonly labels?: readonly string[];
  readonly textField?: string;
  readonly textPairField?: string;
  readonly labelField?: string;
}

const SPLIT_FILE_STEMS: Readonly<Record<SplitName, readonly string[]>> = {
  train: ["train"],
  validation: ["validation", "dev", "val"],
  test: ["test"],
};

export function readCustomTask(path: string, options: TaskOptions, name?: string): TaskData {
  if (!existsSync(path)) throw new S3petInputError(`--task ${path}: no such file or directory`);
  return statSync(path).isDirectory() ? readTaskDir(path, options, name) : readTaskFile(path, options);
}

function readTaskDir(dir: string, options: TaskOptions, name?: string): TaskData {
  const manifest = readManifest(dir);
  const files = findSplitFiles(dir);
  if (!files.train) {
    throw new S3petInputError(`--task ${dir}: no train file (expected train${DATA_FILE_EXTENSIONS.join(" | train")}, plus test and optionally validation)`);
  }
  const rows = {
    train: readRows(files.train),
    validation: files.validation === undefined ? undefined : readRows(files.validation),
    test: files.test === undefined ? undefined : readRows(files.test),
  };
  return fromRows(name ?? manifest.name ?? basename(dir), rows, files as { train: string; validation?: string; test?: string }, options, manifest);
}

function readTaskFile(file: string, options: TaskOptions): TaskData {
  return fromRows(basename(file, extname(file)), { train: readRows(file) }, { train: file }, options, {});
}

function fromRows(
  name: string,
  rows: { train: TableRow[]; validation?: TableRow[] | undefined; test?: TableRow[] | undefined },
  files: { train: string; validation?: string; test?: string },
  options: TaskOptions,
  manifest: TaskManifest,
): TaskData {
  const kind = options.kind ?? manifest.kind ?? "classification";
  const metric = findMetric(options.metric ?? manifest.metric ?? (kind === "classification" ? "accuracy" : "pearson-spearman"), kind, options.metric ? "--metric" : "task.json metric");
  const pairField = options.textPairField ?? manifest.textPairField ?? (rows.train[0]?.fields["text_pair"] !== undefined ? "text_pair" : null);
  const fields: FieldNames = { text: options.textField ?? manifest.textField ?? "text", textPair: pairField, label: options.labelField ?? manifest.labelField ?? "label" };
  const extract = (r: TableRow[] | undefined): RawExample[] | undefined => r && extractExamples(r, fields, kind, CUSTOM_FIELD_FIXES);
  const raw = { train: extract(rows.train)!, validation: extract(rows.validation), test: extract(rows.test) };
  return buildTaskData({
    name,
    kind,
    metric,
    ...(manifest.labels && kind === "classification" ? { labels: LabelSpace.of(manifest.labels, "task.json labels") } : {}),
    hasPairs: pairField !== null,
    raw: { train: raw.train, ...(raw.validation ? { validation: raw.validation } : {}), ...(raw.test ? { test: raw.test } : {}) },
    files,
    seed: options.seed,
    ...(options.maxExamples !== undefined ? { maxExamples: options.maxExamples } : {}),
  });
}

function findSplitFiles(dir: string): Partial<Record<SplitName, string>> {
  const entries = readdirSync(dir);
  const found: Partial<Record<SplitName, string>> = {};
  for (const [split, stems] of Object.entries(SPLIT_FILE_STEMS) as [SplitName, readonly string[]][]) {
    const matches = entries.filter((f) => stems.includes(basename(f, extname(f))) && (DATA_FILE_EXTENSIONS as readonly string[]).includes(extname(f).toLowerCase()));
    if (matches.length > 1) throw new S3petInputError(`--task ${dir}: several ${split} files (${matches.join(", ")}); keep one`);
    if (matches[0]) found[split] = join(dir, matches[0]);
  }
  return found;
}

const MANIFEST_KEYS = ["name", "kind", "metric", "labels", "textField", "textPairField", "labelField"];

function readManifest(dir: string): TaskManifest {
  const file = join(dir, "task.json");
  if (!existsSync(file)) return {};
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new S3petInputError(`${file}: invalid JSON (${(e as Error).message.split("\n")[0]}); fix or remove it`, { cause: e });
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new S3petInputError(`${file}: expected a JSON object with keys ${MANIFEST_KEYS.join(", ")}`);
  const m = value as Record<string, unknown>;
  for (const [k, v] of Object.entries(m)) {
    if (!MANIFEST_KEYS.includes(k)) throw new S3petInputError(`${file}: unknown key '${k}' (known: ${MANIFEST_KEYS.join(", ")})`);
    const ok = k === "labels" ? Array.isArray(v) && v.every((x) => typeof x === "string") : k === "kind" ? v === "classification" || v === "regression" : typeof v === "string";
    if (!ok) {
      const want = k === "labels" ? "an array of strings" : k === "kind" ? '"classification" or "regression"' : "a string";
      throw new S3petInputError(`${file}: '${k}' must be ${want}, got ${briefJson(v)}`);
    }
  }
  return m as TaskManifest;
}
