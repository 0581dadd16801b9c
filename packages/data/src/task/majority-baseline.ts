// The majority-class baseline: always predict the most frequent train class (ties: the lowest id), or the
// train mean for regression, and score that with the task's metric. Every result is reported next to it.
import type { SplitName, TaskData } from "./task-data.js";

export function majorityBaseline(task: TaskData, split: SplitName = "test"): number {
  const labels = Float64Array.from(task.splits[split], (e) => e.label);
  const constant = task.kind === "classification" ? majorityClass(task) : mean(task.splits.train.map((e) => e.label));
  const numLabels = task.labelSpace?.size ?? 1;
  return task.metric.score(new Float64Array(labels.length).fill(constant), labels, numLabels);
}

/** The most frequent class id in train (ties: the lowest id). */
export function majorityClass(task: TaskData): number {
  const counts = labelCounts(task, "train");
  return counts.indexOf(Math.max(...counts));
}

/** Examples per class id in a split (classification). */
export function labelCounts(task: TaskData, split: SplitName): number[] {
  const counts = new Array<number>(task.labelSpace?.size ?? 0).fill(0);
  for (const e of task.splits[split]) counts[e.label]!++;
  return counts;
}

function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}
