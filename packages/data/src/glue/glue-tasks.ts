// The GLUE tasks we read, in the TSV layouts GLUE distributes (download_glue_data.py): file names,
// header rows, the columns of text, pair and label, the label order (as Hugging Face's GLUE processors
// use it) and GLUE's standard metric. GLUE's test files carry no labels.
import type { FieldNames } from "../task/extract-examples.js";
import type { SplitName } from "../task/task-data.js";
import type { TaskKind } from "../metrics/metrics.js";

export interface GlueTaskSpec {
  readonly name: string;
  readonly kind: TaskKind;
  readonly metric: string;
  /** Class names in id order; null for regression. */
  readonly labels: readonly string[] | null;
  /** Candidate file names per split; the first that exists is used. */
  readonly files: Readonly<Record<SplitName, readonly string[]>>;
  /** Column names of headerless train/dev files (CoLA); null when the first row is a header. */
  readonly columns: readonly string[] | null;
  readonly fields: FieldNames;
}

const BINARY = ["0", "1"];
const NLI2 = ["entailment", "not_entailment"];
const files = (dev: readonly string[] = ["dev.tsv", "validation.tsv"], test: readonly string[] = ["test.tsv"]) => ({ train: ["train.tsv"], validation: dev, test });

export const GLUE_TASKS: readonly GlueTaskSpec[] = [
  { name: "sst2", kind: "classification", metric: "accuracy", labels: BINARY, files: files(), columns: null, fields: { text: "sentence", textPair: null, label: "label" } },
  { name: "mrpc", kind: "classification", metric: "f1", labels: BINARY, files: files(), columns: null, fields: { text: "#1 String", textPair: "#2 String", label: "Quality" } },
  {
    name: "cola",
    kind: "classification",
    metric: "matthews",
    labels: BINARY,
    files: files(),
    // source, acceptability label, the author's original mark (`*` or empty), sentence
    columns: ["source", "label", "original_label", "sentence"],
    fields: { text: "sentence", textPair: null, label: "label" },
  },
  { name: "stsb", kind: "regression", metric: "pearson-spearman", labels: null, files: files(), columns: null, fields: { text: "sentence1", textPair: "sentence2", label: "score" } },
  { name: "qnli", kind: "classification", metric: "accuracy", labels: NLI2, files: files(), columns: null, fields: { text: "question", textPair: "sentence", label: "label" } },
  { name: "rte", kind: "classification", metric: "accuracy", labels: NLI2, files: files(), columns: null, fields: { text: "sentence1", textPair: "sentence2", label: "label" } },
  {
    name: "mnli",
    kind: "classification",
    metric: "accuracy",
    labels: ["contradiction", "entailment", "neutral"],
    files: files(["dev_matched.tsv", "validation_matched.tsv"], ["test_matched.tsv"]),
    columns: null,
    fields: { text: "sentence1", textPair: "sentence2", label: "gold_label" },
  },
];

/** `SST-2`, `sst-2` and `sst2` all name sst2, as GLUE's directory names use dashes and capitals. */
export function findGlueTask(name: string): GlueTaskSpec | undefined {
  const key = name.toLowerCase().replace(/[-_]/g, "");
  return GLUE_TASKS.find((t) => t.name === key);
}
