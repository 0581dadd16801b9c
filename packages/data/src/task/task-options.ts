// Options of every task loader, as the CLI flags give them (--seed, --max-examples, --text-field, ...).
import type { TaskKind } from "../metrics/metrics.js";

export interface TaskOptions {
  /** Seeds carved splits and caps. */
  readonly seed: number;
  /** Cap per split, for quick runs (--max-examples). */
  readonly maxExamples?: number;
  /** Custom tasks: column of the text. @default "text" */
  readonly textField?: string;
  /** Custom tasks: column of the second segment. @default "text_pair" when the train file has it */
  readonly textPairField?: string;
  /** Custom tasks: column of the label. @default "label" */
  readonly labelField?: string;
  /** Custom tasks: classification or regression. @default "classification" */
  readonly kind?: TaskKind;
  /** Custom tasks: metric name. @default "accuracy" (classification), "pearson-spearman" (regression) */
  readonly metric?: string;
}
