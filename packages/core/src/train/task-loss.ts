// The training loss of a task head's output: softmax cross-entropy over the classes for
// classification, mean squared error for regression (a 1-logit head).
import * as tf from "@tensorflow/tfjs";
import type { TaskObjective } from "../task/task.js";
import { sparseSoftmaxCrossEntropy } from "./sparse-softmax-cross-entropy.js";

/** Mean loss of `logits` [B, numLabels] against `labels` [B]. Call inside tf.tidy. */
export function taskLoss(objective: TaskObjective, logits: tf.Tensor2D, labels: Float32Array): tf.Scalar {
  if (objective.kind === "regression") {
    const y = tf.tensor1d(labels); // [B]
    return tf.mean(tf.square(tf.sub(tf.reshape(logits, [-1]), y))) as tf.Scalar;
  }
  return sparseSoftmaxCrossEntropy(logits, tf.tensor1d(labels, "int32"));
}
