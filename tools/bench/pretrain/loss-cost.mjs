#!/usr/bin/env node
// @ts-check
// What the masked-LM loss costs: the median time of the forward and backward of the mean softmax
// cross-entropy over [M, V] logits (M masked positions, vocabulary V) with tfjs's one-hot
// tf.losses.softmaxCrossEntropy and with core's sparseSoftmaxCrossEntropy, alternated so both see the
// same load. Prints one JSON line per shape.
//   node tools/bench/pretrain/loss-cost.mjs [--shapes 615x8000,154x8000] [--reps 9]
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import * as tf from "@tensorflow/tfjs";
import { initBackend, sparseSoftmaxCrossEntropy } from "@s3pet/core";

const { values: a } = parseArgs({ options: { shapes: { type: "string", default: "615x8000,154x8000" }, reps: { type: "string", default: "9" } } });
const backend = await initBackend();
const median = (xs) => [...xs].sort((x, y) => x - y)[xs.length >> 1];
for (const shape of a.shapes.split(",")) {
  const [M, V] = shape.split("x").map(Number);
  const logits = tf.variable(tf.tidy(() => tf.randomNormal([M, V], 0, 2, "float32", 1)));
  const labels = tf.tensor1d(Int32Array.from({ length: M }, (_, i) => (i * 7919) % V), "int32");
  const losses = {
    oneHotMs: () => tf.losses.softmaxCrossEntropy(tf.oneHot(labels, V), logits),
    sparseMs: () => sparseSoftmaxCrossEntropy(/** @type {tf.Tensor2D} */ (/** @type {unknown} */ (logits)), labels),
  };
  /** @type {Record<string, number[]>} */
  const ms = { oneHotMs: [], sparseMs: [] };
  for (let rep = 0; rep < Number(a.reps) + 2; rep++) {
    for (const [name, loss] of Object.entries(losses)) {
      const start = performance.now();
      const { value, grads } = tf.variableGrads(() => /** @type {tf.Scalar} */ (tf.tidy(loss)), [logits]);
      grads[logits.name].dataSync();
      tf.dispose([value, grads]);
      if (rep >= 2) ms[name].push(performance.now() - start); // the first two warm the kernels up
    }
  }
  const oneHotMs = median(ms.oneHotMs);
  const sparseMs = median(ms.sparseMs);
  console.log(JSON.stringify({ backend: backend.name, masked: M, vocab: V, oneHotMs: Math.round(oneHotMs), sparseMs: Math.round(sparseMs), ratio: +(sparseMs / oneHotMs).toFixed(2), loadavg1: +loadavg()[0].toFixed(1) }));
  tf.dispose([logits, labels]);
}
