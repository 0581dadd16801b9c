// What the engine needs from a task: labelled, tokenised batches and a scoring rule.
// @s3pet/data implements the readers and metrics; the CLI glues a tokenizer to them.
import type { EncodedBatch } from "../backbone/backbone.js";

export interface LabeledBatch extends EncodedBatch {
  /** [batch]: class index (as a float) for classification, target value for regression. */
  readonly labels: Float32Array;
}

/** A split of a task, tokenised on demand. Indices are 0..size-1. */
export interface Dataset {
  readonly size: number;
  /** Token count of example i without padding (for tokens/s and length bucketing). */
  batch(indices: readonly number[]): LabeledBatch;
  /** All labels of the split, in index order (for splits, majority baselines and metrics). */
  labels(): Float32Array;
}

export interface TaskObjective {
  readonly kind: "classification" | "regression";
  /** Number of logits the head outputs: classes, or 1 for regression. */
  readonly numLabels: number;
  /** Metric name as reported (accuracy, f1, matthews, pearson-spearman, ...). */
  readonly metric: string;
  /** Score predictions [N * numLabels] (row-major logits or values) against labels [N]. Higher is better. */
  score(predictions: Float32Array, labels: Float32Array): number;
}

export interface TaskSplits {
  readonly name: string;
  readonly objective: TaskObjective;
  readonly train: Dataset;
  readonly validation: Dataset;
  readonly test: Dataset;
}
