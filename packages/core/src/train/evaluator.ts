// Evaluator: scores a model on a split with the task's metric (higher is better) and its mean loss,
// batch by batch in index order (deterministic: the same batches give the same numbers). Also the
// majority-class baseline: always predict the training split's majority class (its mean for regression).
import * as tf from "@tensorflow/tfjs";
import type { EncodedBatch } from "../backbone/backbone.js";
import type { PhaseName } from "../events/events.js";
import type { HookRunner } from "../hooks/hook-runner.js";
import type { CommonConfig } from "../run/run-config.js";
import type { Dataset, TaskObjective, TaskSplits } from "../task/task.js";
import type { DataParallel } from "./data-parallel.js";
import { taskLoss } from "./task-loss.js";

export interface EvalScore {
  /** The task metric; NaN when it is undefined (e.g. a correlation of constant predictions). */
  readonly score: number;
  readonly loss: number;
  readonly examples: number;
}

export type SplitName = "validation" | "test";

/** How to score: evaluation batches of at most evalBatchSize, the training batch and the micro-batch ("auto": no cap of its own), and the cap on examples per split. */
export type EvalSettings = Pick<CommonConfig, "batchSize" | "evalBatchSize" | "maxEvalExamples" | "microBatchSize">;

export class Evaluator {
  constructor(
    private readonly task: TaskSplits,
    private readonly config: EvalSettings,
  ) {}

  /** Scores the model of `pool` on a split (sharded over its units) with gates `gates` [C] (null: all 1). */
  evaluate(split: SplitName, pool: DataParallel, gates: Float32Array | null): Promise<EvalScore> {
    const all = this.task[split].labels();
    const labels = all.subarray(0, Math.min(all.length, this.config.maxEvalExamples ?? Infinity));
    return pool.evaluate(split, this.task.objective, labels, gates, this.batchSize);
  }

  /** Scores `forward` (logits of a batch, called inside tf.tidy) on a split in this thread. */
  evaluateForward(split: SplitName, forward: (batch: EncodedBatch) => tf.Tensor2D): EvalScore {
    return scoreDataset(this.task[split], this.task.objective, forward, this.batchSize, this.config.maxEvalExamples);
  }

  /** Evaluation batches no larger than a training micro-batch: a forward without a tape then never needs more memory than a step. */
  private get batchSize(): number {
    const { evalBatchSize, batchSize, microBatchSize } = this.config;
    return Math.min(evalBatchSize, batchSize, microBatchSize === "auto" ? Infinity : microBatchSize);
  }

  /** Scores the test split and publishes it as `phase`'s closing `eval` event (the score results.json reports). */
  async publishTest(hooks: HookRunner, phase: PhaseName, step: number, pool: DataParallel, gates: Float32Array | null): Promise<EvalScore> {
    const test = await this.evaluate("test", pool, gates);
    const metric = this.task.objective.metric;
    await hooks.publish({ type: "eval", time: Date.now(), phase, step, split: "test", metric, score: test.score, loss: test.loss, best: false });
    return test;
  }

  /** The majority-class (or mean) predictor's test score; 0 where the metric is undefined for it. */
  majorityBaseline(): number {
    return majorityBaselineScore(this.task.train, this.task.test, this.task.objective, this.config.maxEvalExamples);
  }
}

function scoreDataset(
  data: Dataset,
  objective: TaskObjective,
  forward: (batch: EncodedBatch) => tf.Tensor2D,
  batchSize: number,
  maxExamples: number | null,
): EvalScore {
  const n = Math.min(data.size, maxExamples ?? Infinity);
  if (n === 0) throw new Error("cannot evaluate an empty split");
  const K = objective.numLabels;
  const predictions = new Float32Array(n * K);
  const labels = new Float32Array(n);
  let lossSum = 0;
  for (let start = 0; start < n; start += batchSize) {
    const idx = Array.from({ length: Math.min(batchSize, n - start) }, (_, i) => start + i);
    const batch = data.batch(idx);
    const loss = tf.tidy(() => {
      const logits = forward(batch); // [b, K]
      predictions.set(logits.dataSync(), start * K);
      return taskLoss(objective, logits, batch.labels).dataSync()[0]!;
    });
    labels.set(batch.labels, start);
    lossSum += loss * idx.length;
  }
  return { score: objective.score(predictions, labels), loss: lossSum / n, examples: n };
}

export function majorityBaselineScore(train: Dataset, test: Dataset, objective: TaskObjective, maxExamples: number | null): number {
  const trainLabels = train.labels();
  const testLabels = test.labels().subarray(0, Math.min(test.size, maxExamples ?? Infinity));
  const K = objective.numLabels;
  const predictions = new Float32Array(testLabels.length * K);
  if (objective.kind === "regression") {
    const mean = trainLabels.reduce((s, v) => s + v, 0) / Math.max(1, trainLabels.length);
    predictions.fill(mean);
  } else {
    const counts = new Array<number>(K).fill(0);
    for (const y of trainLabels) counts[y]! += 1;
    const majority = counts.indexOf(Math.max(...counts));
    for (let i = 0; i < testLabels.length; i++) predictions[i * K + majority] = 1;
  }
  const score = objective.score(predictions, testLabels);
  return Number.isFinite(score) ? score : 0;
}
