// The metric table: every metric a task can name, the task kind it scores and its range. A task picks
// one by name (GLUE's standard metric per task, or --metric / task.json for custom tasks).
import { S3petInputError } from "@s3pet/core";
import { accuracy } from "./accuracy.js";
import { f1 } from "./f1.js";
import { matthews } from "./matthews.js";
import { pearson, pearsonSpearman, spearman } from "./pearson-spearman.js";

export type TaskKind = "classification" | "regression";

export interface Metric {
  readonly name: string;
  readonly kind: TaskKind;
  /** [min, max]: [0, 1] for rates, [-1, 1] for correlations. Higher is better. */
  readonly range: readonly [number, number];
  /** Classification: predicted class ids vs label ids. Regression: predicted values vs targets. */
  score(predicted: ArrayLike<number>, labels: ArrayLike<number>, numLabels: number): number;
}

export const METRICS: readonly Metric[] = [
  { name: "accuracy", kind: "classification", range: [0, 1], score: (p, y) => accuracy(p, y) },
  { name: "f1", kind: "classification", range: [0, 1], score: (p, y) => f1(p, y) },
  { name: "matthews", kind: "classification", range: [-1, 1], score: (p, y, k) => matthews(p, y, k) },
  { name: "pearson-spearman", kind: "regression", range: [-1, 1], score: (p, y) => pearsonSpearman(p, y) },
  { name: "pearson", kind: "regression", range: [-1, 1], score: (p, y) => pearson(p, y) },
  { name: "spearman", kind: "regression", range: [-1, 1], score: (p, y) => spearman(p, y) },
];

/** The metric called `name` for a task of `kind`; `input` names where the name came from, for the error. */
export function findMetric(name: string, kind: TaskKind, input = "--metric"): Metric {
  const metric = METRICS.find((m) => m.name === name);
  const fitting = METRICS.filter((m) => m.kind === kind).map((m) => m.name);
  if (!metric) throw new S3petInputError(`${input}: unknown metric '${name}' (use one of ${fitting.join(", ")})`);
  if (metric.kind !== kind) {
    throw new S3petInputError(`${input}: metric '${name}' scores ${metric.kind} but the task is ${kind} (use one of ${fitting.join(", ")})`);
  }
  return metric;
}
