// @s3pet/data: tasks (reader + label space + metric), dataset readers, seeded splits and metrics.
// Tokenisation is injected (BatchEncoder), so this package depends on core only.

// --- loading a task
export { loadTask } from "./task/load-task.js";
export type { TaskOptions } from "./task/task-options.js";
export { DEFAULT_TASK, builtinTaskNames, builtinTaskDir, builtinTasksDir, findAssetDir } from "./task/builtin-tasks.js";
export { readCustomTask } from "./task/read-custom-task.js";
export type { TaskManifest } from "./task/read-custom-task.js";
export { readGlueTask } from "./glue/read-glue-task.js";
export { GLUE_TASKS, findGlueTask } from "./glue/glue-tasks.js";
export type { GlueTaskSpec } from "./glue/glue-tasks.js";

// --- task data and the engine's view of it
export type { TaskData, SplitName } from "./task/task-data.js";
export { SPLIT_NAMES } from "./task/task-data.js";
export type { TextExample } from "./task/text-example.js";
export { LabelSpace } from "./task/label-space.js";
export { buildTaskData } from "./task/build-task-data.js";
export type { TaskDataInput } from "./task/build-task-data.js";
export { extractExamples, CUSTOM_FIELD_FIXES } from "./task/extract-examples.js";
export type { FieldNames, FieldRole, FieldFixes, RawExample } from "./task/extract-examples.js";
export { TextDataset, encodeTask } from "./task/text-dataset.js";
export type { BatchEncoder } from "./task/text-dataset.js";
export { createObjective, argmaxRows } from "./task/task-objective.js";
export { majorityBaseline, majorityClass, labelCounts } from "./task/majority-baseline.js";

// --- readers
export { readRows, parseJsonl, DATA_FILE_EXTENSIONS } from "./readers/read-rows.js";
export type { ReadRowsOptions } from "./readers/read-rows.js";
export { parseDelimited } from "./readers/parse-delimited.js";
export type { DelimitedRecord, DelimitedFormat } from "./readers/parse-delimited.js";
export type { TableRow } from "./readers/table-row.js";

// --- splits
export { stratifiedOrder, cutOrder } from "./splits/stratified-order.js";

// --- metrics
export { METRICS, findMetric } from "./metrics/metrics.js";
export type { Metric, TaskKind } from "./metrics/metrics.js";
export { accuracy } from "./metrics/accuracy.js";
export { f1 } from "./metrics/f1.js";
export { matthews } from "./metrics/matthews.js";
export { pearson, spearman, pearsonSpearman, averageRanks } from "./metrics/pearson-spearman.js";
