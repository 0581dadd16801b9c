import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { sparseSoftmaxCrossEntropy } from "./sparse-softmax-cross-entropy.js";

/** Mean cross-entropy and its gradient w.r.t. the logits, in float64 plain JS. */
function reference(z: number[][], y: number[]): { loss: number; grad: number[][] } {
  let loss = 0;
  const grad = z.map((row, i) => {
    const max = Math.max(...row);
    const exp = row.map((v) => Math.exp(v - max));
    const sum = exp.reduce((a, b) => a + b, 0);
    loss += Math.log(sum) - (row[y[i]!]! - max);
    return exp.map((e, k) => (e / sum - (k === y[i] ? 1 : 0)) / z.length);
  });
  return { loss: loss / z.length, grad };
}

describe("sparseSoftmaxCrossEntropy", () => {
  it("matches the float64 loss and gradient, with logits far from 0 in both directions, and frees its tensors", () => {
    const z = [
      [2, -1, 0.5, 3],
      [-80, -82, -79.5, -81], // all-negative and large: needs the max shift
      [90, 0, -90, 1],
    ];
    const y = [3, 0, 1];
    const logits = tf.variable(tf.tidy(() => tf.tensor2d(z)));
    const before = tf.memory().numTensors;
    // labels made inside the loss closure, as the training loop does: freed before the backward runs
    const { value, grads } = tf.variableGrads(() => sparseSoftmaxCrossEntropy(logits, tf.tensor1d(y, "int32")), [logits]);
    const want = reference(z, y);
    expect(value.dataSync()[0]).toBeCloseTo(want.loss, 4);
    const got = grads[logits.name]!.arraySync() as number[][];
    got.forEach((row, i) => row.forEach((g, k) => expect(g).toBeCloseTo(want.grad[i]![k]!, 6)));
    tf.dispose([value, grads]);
    expect(tf.memory().numTensors).toBe(before);
    logits.dispose();
  });

  it("agrees with tf.losses.softmaxCrossEntropy on one-hot labels, and scales with the upstream gradient", () => {
    const logits = tf.variable(tf.tidy(() => tf.randomNormal([7, 50], 0, 3, "float32", 1) as tf.Tensor2D));
    const labels = tf.tensor1d([0, 49, 3, 3, 17, 25, 8], "int32");
    const ours = tf.variableGrads(() => tf.mul(sparseSoftmaxCrossEntropy(logits, labels), 2.5) as tf.Scalar, [logits]);
    const tfjs = tf.variableGrads(() => tf.mul(tf.losses.softmaxCrossEntropy(tf.oneHot(labels, 50), logits), 2.5) as tf.Scalar, [logits]);
    expect(ours.value.dataSync()[0]).toBeCloseTo(tfjs.value.dataSync()[0]!, 4);
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(ours.grads[logits.name]!, tfjs.grads[logits.name]!))).dataSync()[0]!);
    expect(diff).toBeLessThan(1e-6);
    tf.dispose([ours.value, ours.grads, tfjs.value, tfjs.grads, logits, labels]);
  });
});
