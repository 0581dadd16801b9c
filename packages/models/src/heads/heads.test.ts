import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import type { BackboneOutput } from "@s3pet/core";
import { defineBertConfig } from "../bert/bert-config.js";
import { initRandomBertModel } from "../bert/init-random-bert.js";
import { createClassificationHead } from "./classification-head.js";
import { createMaskedLmHead } from "./masked-lm-head.js";

const config = defineBertConfig({ vocabSize: 50, hiddenSize: 8, numLayers: 1, numHeads: 2, intermediateSize: 16, maxPositions: 16 });

function pooled(values: number[][]): BackboneOutput {
  const p = tf.tensor2d(values);
  return { pooledOutput: p, lastHiddenState: tf.expandDims(p, 1) as tf.Tensor3D, hiddenStates: [] };
}

describe("createClassificationHead", () => {
  const factory = createClassificationHead({ hiddenSize: 8 });

  it("maps the pooled output to numLabels logits (1 for regression), seeded", () => {
    tf.tidy(() => {
      const out = pooled([[1, 2, 3, 4, 5, 6, 7, 8], [0, 0, 0, 0, 0, 0, 0, 1]]);
      const head = factory(3, { seed: 1 });
      expect(head.apply(out).shape).toEqual([2, 3]);
      expect(factory(1, { seed: 1 }).apply(out).shape).toEqual([2, 1]);
      expect(factory(3, { seed: 1 }).apply(out).dataSync()).toEqual(head.apply(out).dataSync());
      expect(factory(3, { seed: 2 }).apply(out).dataSync()).not.toEqual(head.apply(out).dataSync());
      // logits = pooled W^T + b: the second row picks W's last column
      const w = head.weights["classifier.weight"]!.arraySync() as number[][];
      expect(Array.from(head.apply(out).dataSync().slice(3))).toEqual(w.map((row) => Math.fround(row[7]!)));
    });
  });

  it("loads saved weights, checks their shapes, and disposes its variables", () => {
    const before = tf.memory().numTensors;
    const a = factory(2, { seed: 1 });
    const b = factory(2, { seed: 2 });
    b.load(a.weights);
    expect(b.weights["classifier.weight"]!.dataSync()).toEqual(a.weights["classifier.weight"]!.dataSync());
    const wrong = factory(3, { seed: 1 });
    expect(() => b.load(wrong.weights)).toThrow("classification head: 'classifier.weight' expected [2, 8], got [3, 8]; was it saved for another task?");
    expect(() => b.load({})).toThrow("classification head: weight 'classifier.weight' is missing from the saved head");
    expect(() => factory(0, { seed: 1 })).toThrow(/numLabels must be a positive integer \(1 for regression\), got 0/);
    for (const h of [a, b, wrong]) h.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe("MaskedLmHead", () => {
  it("gives [N, V] logits with the decoder tied to the word embeddings (gradients reach them)", () => {
    const model = initRandomBertModel(config, { seed: 1 });
    const head = createMaskedLmHead(config, { seed: 2 });
    const hidden = tf.randomNormal([3, 8], 0, 1, "float32", 3) as tf.Tensor2D;
    expect(tf.tidy(() => head.apply(hidden, model.wordEmbeddings).shape)).toEqual([3, 50]);
    const { grads } = tf.variableGrads(() => tf.sum(tf.square(head.apply(hidden, model.wordEmbeddings))) as tf.Scalar, [
      model.trainableWeights()[0]!,
      ...head.variables(),
    ]);
    expect(Object.keys(grads)).toHaveLength(6);
    expect(tf.tidy(() => tf.sum(tf.abs(grads[model.trainableWeights()[0]!.name]!)).dataSync()[0])).toBeGreaterThan(0);
    tf.dispose([grads, hidden]);
    head.dispose();
    model.dispose();
  });

  it("exports HF names and layout and loads them back", () => {
    const head = createMaskedLmHead(config, { seed: 2 });
    const other = createMaskedLmHead(config, { seed: 5 });
    const tensors = head.hfTensors();
    expect(Object.fromEntries(Object.entries(tensors).map(([n, t]) => [n, t.shape]))).toEqual({
      "cls.predictions.transform.dense.weight": [8, 8],
      "cls.predictions.transform.dense.bias": [8],
      "cls.predictions.transform.LayerNorm.weight": [8],
      "cls.predictions.transform.LayerNorm.bias": [8],
      "cls.predictions.bias": [50],
    });
    other.loadHfTensors(tensors);
    expect(other.weights.transformKernel.dataSync()).toEqual(head.weights.transformKernel.dataSync());
    expect(() => other.loadHfTensors({})).toThrow("masked-LM head: tensor 'cls.predictions.transform.dense.weight' is missing");
    tf.dispose(tensors["cls.predictions.transform.dense.weight"]!); // the transposed copy is the caller's
    head.dispose();
    other.dispose();
  });
});
