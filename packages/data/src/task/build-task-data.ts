// Raw examples per file -> checked TaskData: label mapping (fixed or inferred from train), seeded
// stratified carving of missing splits, --max-examples caps, and the checks that must fail before any
// training starts (empty splits, a single class, constant regression targets, unknown labels).
import { brief, S3petInputError, SeededRng } from "@s3pet/core";
import { LabelSpace } from "./label-space.js";
import { SPLIT_NAMES, type SplitName, type TaskData } from "./task-data.js";
import type { RawExample } from "./extract-examples.js";
import type { TextExample } from "./text-example.js";
import { rowError } from "../readers/table-row.js";
import { cutOrder, stratifiedOrder } from "../splits/stratified-order.js";
import type { Metric, TaskKind } from "../metrics/metrics.js";

export interface TaskDataInput {
  readonly name: string;
  readonly kind: TaskKind;
  readonly metric: Metric;
  /** A fixed label order (GLUE, task.json); else inferred from train. */
  readonly labels?: LabelSpace;
  readonly hasPairs: boolean;
  /** Examples and source file per split; absent splits are carved out of train. */
  readonly raw: { readonly train: readonly RawExample[]; readonly validation?: readonly RawExample[]; readonly test?: readonly RawExample[] };
  readonly files: { readonly train: string; readonly validation?: string; readonly test?: string };
  readonly seed: number;
  /** Cap per split (seeded, stratified sample). */
  readonly maxExamples?: number;
  /**
   * Share of train carved out for each missing split.
   * @default 0.1
   */
  readonly heldOutFraction?: number;
  readonly notes?: readonly string[];
}

export function buildTaskData(input: TaskDataInput): TaskData {
  const { name, kind, raw, files } = input;
  if (raw.train.length === 0) throw new S3petInputError(`task '${name}': ${files.train} has no rows; a task needs training examples`);
  if (kind === "classification" && input.labels === undefined) {
    // Fractional labels are scores, not classes: 60 of them would make a 60-class task without a word.
    const fractional = raw.train.find((e) => FRACTION.test(String(e.label).trim()));
    if (fractional) {
      throw new S3petInputError(rowError(fractional, `label ${String(fractional.label)} is a fractional number, not a class; pass --task-kind regression for numeric targets`));
    }
  }
  const labelSpace = kind === "classification" ? (input.labels ?? LabelSpace.infer(raw.train.map((e) => String(e.label)))) : null;
  const fromTrain = input.labels === undefined;
  const mapped = (split: readonly RawExample[]) => split.map((e) => toExample(e, labelSpace, fromTrain));

  const rng = new SeededRng(input.seed).fork("task-splits");
  const notes = [...(input.notes ?? [])];
  const splits: Record<SplitName, TextExample[]> = { train: mapped(raw.train), validation: [], test: [] };
  const sources: Record<SplitName, string> = { train: files.train, validation: files.validation ?? "", test: files.test ?? "" };
  const fraction = input.heldOutFraction ?? 0.1;
  const missing = SPLIT_NAMES.filter((s) => s !== "train" && raw[s] === undefined);
  for (const s of SPLIT_NAMES) if (s !== "train" && raw[s] !== undefined) splits[s] = mapped(raw[s]!);
  if (missing.length > 0) {
    const pool = splits.train;
    const heldOut = Math.max(1, Math.round(pool.length * fraction));
    const order = stratifiedOrder(pool.length, strata(pool, kind), rng);
    const parts = cutOrder(order, [...missing.map(() => heldOut), pool.length - heldOut * missing.length]);
    missing.forEach((s, i) => {
      splits[s] = parts[i]!.map((j) => pool[j]!);
      sources[s] = `${files.train} (seeded ${Math.round(fraction * 100)} % of it)`;
    });
    splits.train = parts[missing.length]!.map((j) => pool[j]!);
    sources.train = `${files.train} (the rest)`;
    notes.push(`no ${missing.join(" or ")} file: carved ${missing.map((s) => `${s} (${rows(heldOut)})`).join(" and ")} out of ${files.train}, seeded (${input.seed}) and stratified by label`);
  }

  if (input.maxExamples !== undefined) {
    for (const s of SPLIT_NAMES) {
      const all = splits[s];
      if (all.length <= input.maxExamples) continue;
      const keep = cutOrder(stratifiedOrder(all.length, strata(all, kind), rng), [input.maxExamples])[0]!;
      splits[s] = keep.map((j) => all[j]!);
      notes.push(`--max-examples ${input.maxExamples}: ${s} capped from ${all.length} to ${rows(input.maxExamples)} (seeded, stratified)`);
    }
  }

  checkSplits(name, kind, splits, labelSpace, sources);
  return { name, kind, metric: input.metric, labelSpace, splits, hasPairs: input.hasPairs, sources, notes };
}

/** A number with a fractional part (0.37, -1.5, 2.0e-1), as a label reads in JSONL, CSV or TSV. */
const FRACTION = /^-?\d*\.\d+([eE][-+]?\d+)?$|^-?\d+[eE]-\d+$/;
/** Labels an "unknown label" error lists before summarising. */
const LISTED_LABELS = 10;

function rows(n: number): string {
  return `${n} row${n === 1 ? "" : "s"}`;
}

function toExample(e: RawExample, labels: LabelSpace | null, fromTrain: boolean): TextExample {
  if (labels === null) return { text: e.text, textPair: e.textPair, label: e.label as number };
  const id = labels.id(String(e.label));
  if (id === undefined) {
    const where = fromTrain ? "labels seen in train" : "the task's labels";
    const names = labels.names.slice(0, LISTED_LABELS).join(", ") + (labels.names.length > LISTED_LABELS ? `, ... (${labels.names.length - LISTED_LABELS} more)` : "");
    const fix = FRACTION.test(String(e.label).trim()) ? "for numeric targets pass --task-kind regression" : "fix the label or add it to train";
    throw new S3petInputError(rowError(e, `unknown label '${brief(String(e.label))}' (${where}: ${names}); ${fix}`));
  }
  return { text: e.text, textPair: e.textPair, label: id };
}

function strata(examples: readonly TextExample[], kind: TaskKind): Int32Array | null {
  return kind === "classification" ? Int32Array.from(examples, (e) => e.label) : null;
}

function checkSplits(
  name: string,
  kind: TaskKind,
  splits: Record<SplitName, TextExample[]>,
  labels: LabelSpace | null,
  sources: Record<SplitName, string>,
): void {
  for (const s of SPLIT_NAMES) {
    if (splits[s].length === 0) throw new S3petInputError(`task '${name}': the ${s} split is empty (${sources[s]}); give it rows or raise --max-examples`);
  }
  const train = splits.train;
  if (kind === "classification") {
    const seen = new Set(train.map((e) => e.label));
    if (seen.size < 2) {
      const only = labels!.name(train[0]!.label);
      throw new S3petInputError(
        `task '${name}': train has a single class '${only}' (${train.length} rows); a classifier needs at least two — check --label-field, the data, or raise --max-examples`,
      );
    }
  } else if (train.every((e) => e.label === train[0]!.label)) {
    throw new S3petInputError(`task '${name}': every train target is ${train[0]!.label}; a regression task needs varying targets`);
  }
}
