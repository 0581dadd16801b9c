// Evaluator: scores a model on a split with the task's metric (higher is better) and its mean loss,
// batch by batch in index order (deterministic: the same batches give the same numbers). Also the
// majority-class baseline: always predict the training split's majority class (its mean for regression).
import * as tf from "@tensorflow/tfjs";
import { inject, injectable } from "tsyringe";
import type { EncodedBatch } from "../backbone/backbone.js";
import { EngineDepsToken, RunConfigToken } from "../di/tokens.js";
import type { PhaseName } from "../events/events.js";
import type { HookRunner } from "../hooks/hook-runner.js";
import type { EngineDeps } from "../run/engine-deps.js";
import type { ResolvedRunConfig } from "../run/run-config.js";
import type { Dataset, TaskObjective } from "../task/task.js";
import { taskLoss } from "./task-loss.js";

export interface EvalScore {
  /** The task metric; NaN when it is undefined (e.g. a correlation of constant predictions). */
  readonly score: number;
  readonly loss: number;
  readonly examples: number;
}

export type SplitName = "validation" | "test";

@injectable()
export class Evaluator {
  constructor(
    @inject(EngineDepsToken) private readonly deps: EngineDeps,
    @inject(RunConfigToken) private readonly config: ResolvedRunConfig,
  ) {}

  /**
   * Scores `forward` (logits of a batch, called inside tf.tidy) on a split, in batches no larger than
   * the training batch: a forward pass without a tape then never needs more memory than a step.
   */
  evaluate(split: SplitName, forward: (batch: EncodedBatch) => tf.Tensor2D): EvalScore {
    const batchSize = Math.min(this.config.evalBatchSize, this.config.batchSize);
    return scoreDataset(this.deps.task[split], this.deps.task.objective, forward, batchSize, this.config.maxEvalExamples);
  }

  /** Scores the test split and publishes it as `phase`'s closing `eval` event (the score results.json reports). */
  async publishTest(hooks: HookRunner, phase: PhaseName, step: number, forward: (batch: EncodedBatch) => tf.Tensor2D): Promise<EvalScore> {
    const test = this.evaluate("test", forward);
    const metric = this.deps.task.objective.metric;
    await hooks.publish({ type: "eval", time: Date.now(), phase, step, split: "test", metric, score: test.score, loss: test.loss, best: false });
    return test;
  }

  /** The majority-class (or mean) predictor's test score; 0 where the metric is undefined for it. */
  majorityBaseline(): number {
    return majorityBaselineScore(this.deps.task.train, this.deps.task.test, this.deps.task.objective, this.config.maxEvalExamples);
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
