// TextDataset: core's Dataset over TextExamples, tokenised on demand by an injected BatchEncoder, so
// @s3pet/data never depends on a tokenizer (the CLI passes one from @s3pet/models).
import type { Dataset, EncodedBatch, LabeledBatch, TaskSplits } from "@s3pet/core";
import { createObjective } from "./task-objective.js";
import type { TaskData } from "./task-data.js";
import type { TextExample } from "./text-example.js";

/** Tokenises texts (with their pairs, for pair tasks) into one padded batch of texts.length rows. */
export type BatchEncoder = (texts: readonly string[], pairs: readonly string[] | null) => EncodedBatch;

export class TextDataset implements Dataset {
  private readonly allLabels: Float32Array;

  constructor(
    private readonly examples: readonly TextExample[],
    private readonly encode: BatchEncoder,
  ) {
    this.allLabels = Float32Array.from(examples, (e) => e.label);
  }

  get size(): number {
    return this.examples.length;
  }

  batch(indices: readonly number[]): LabeledBatch {
    const rows = indices.map((i) => {
      const e = this.examples[i];
      if (e === undefined) throw new RangeError(`example index ${i} outside [0, ${this.size})`);
      return e;
    });
    const pairs = rows.some((e) => e.textPair !== null) ? rows.map((e) => e.textPair ?? "") : null;
    const encoded = this.encode(rows.map((e) => e.text), pairs);
    if (encoded.batch !== rows.length) throw new RangeError(`encoder returned ${encoded.batch} rows for ${rows.length} texts`);
    return { ...encoded, labels: Float32Array.from(rows, (e) => e.label) };
  }

  labels(): Float32Array {
    return this.allLabels.slice();
  }
}

/** The engine's view of a task: its objective and tokenised splits. */
export function encodeTask(task: TaskData, encode: BatchEncoder): TaskSplits {
  return {
    name: task.name,
    objective: createObjective(task.metric, task.labelSpace?.size ?? 1),
    train: new TextDataset(task.splits.train, encode),
    validation: new TextDataset(task.splits.validation, encode),
    test: new TextDataset(task.splits.test, encode),
  };
}
