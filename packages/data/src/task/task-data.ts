// TaskData: a task read, label-mapped, split and checked, but not tokenised: everything the CLI needs
// before a model is loaded (label space, majority baseline, split sizes, notes on how splits were made).
import type { LabelSpace } from "./label-space.js";
import type { TextExample } from "./text-example.js";
import type { Metric, TaskKind } from "../metrics/metrics.js";

export type SplitName = "train" | "validation" | "test";
export const SPLIT_NAMES: readonly SplitName[] = ["train", "validation", "test"];

export interface TaskData {
  readonly name: string;
  readonly kind: TaskKind;
  readonly metric: Metric;
  /** Class names in id order; null for regression. */
  readonly labelSpace: LabelSpace | null;
  readonly splits: Readonly<Record<SplitName, readonly TextExample[]>>;
  /** True for sentence-pair tasks. */
  readonly hasPairs: boolean;
  /** Where each split came from: a file, or how it was carved out of another. */
  readonly sources: Readonly<Record<SplitName, string>>;
  /** One line per decision the user should know about (seeded splits, caps, GLUE test substitution). */
  readonly notes: readonly string[];
}
