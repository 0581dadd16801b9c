import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import type { AttentionSite, EncodedBatch, GatedPrefix, SiteCalls } from "@s3pet/core";
import { defineBertConfig } from "./bert-config.js";
import { additiveMask, gatedPrefixAttention } from "./gated-prefix-attention.js";
import { initRandomBertModel } from "./init-random-bert.js";

const B = 2, T = 4, nh = 2, dh = 3, H = nh * dh, L = 3;
const mask = new Int32Array([1, 1, 1, 0, 1, 1, 0, 0]); // [B*T]: the last keys of each row are padding

function random(shape: number[], seed: number): tf.Tensor {
  return tf.randomNormal(shape, 0, 1, "float32", seed);
}

/**
 * Standard prefix attention written out in plain JS: per row and head, softmax over the
 * concatenation [prefix keys ; unmasked sequence keys], then the weighted sum of the values.
 */
type Values = ArrayLike<number>;
function referencePrefixAttention(q: Values, k: Values, v: Values, pk: Values, pv: Values): Float32Array {
  const out = new Float32Array(B * T * H);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < nh; h++) {
      for (let t = 0; t < T; t++) {
        const qv = (j: number) => q[(b * T + t) * H + h * dh + j]!;
        const keys: { k: (j: number) => number; v: (j: number) => number }[] = [];
        for (let l = 0; l < L; l++) keys.push({ k: (j) => pk[l * H + h * dh + j]!, v: (j) => pv[l * H + h * dh + j]! });
        for (let s = 0; s < T; s++) {
          if (mask[b * T + s]) keys.push({ k: (j) => k[(b * T + s) * H + h * dh + j]!, v: (j) => v[(b * T + s) * H + h * dh + j]! });
        }
        const scores = keys.map((key) => {
          let dot = 0;
          for (let j = 0; j < dh; j++) dot += qv(j) * key.k(j);
          return dot / Math.sqrt(dh);
        });
        const max = Math.max(...scores);
        const exps = scores.map((s) => Math.exp(s - max));
        const sum = exps.reduce((a, e) => a + e, 0);
        for (let j = 0; j < dh; j++) {
          out[(b * T + t) * H + h * dh + j] = keys.reduce((acc, key, i) => acc + (exps[i]! / sum) * key.v(j), 0);
        }
      }
    }
  }
  return out;
}

describe("gatedPrefixAttention", () => {
  const dims = { batch: B, length: T, heads: nh };

  it("gate 0 reproduces the plain attention to the bit", () => {
    tf.tidy(() => {
      const [q, k, v] = [1, 2, 3].map((s) => random([B * T, H], s) as tf.Tensor2D);
      const m = additiveMask(mask, B, T);
      const prefix: GatedPrefix = { keys: random([L, H], 4) as tf.Tensor2D, values: random([L, H], 5) as tf.Tensor2D, gate: tf.scalar(0) };
      const plain = gatedPrefixAttention(q!, k!, v!, m, dims, []).dataSync();
      const gated = gatedPrefixAttention(q!, k!, v!, m, dims, [prefix, prefix]).dataSync();
      expect(gated).toEqual(plain);
    });
  });

  it("an unpadded batch skips the mask (same result as an all-zero additive mask)", () => {
    tf.tidy(() => {
      expect(additiveMask(new Int32Array(B * T).fill(1), B, T)).toBeNull();
      const [q, k, v] = [1, 2, 3].map((s) => random([B * T, H], s) as tf.Tensor2D);
      const skipped = gatedPrefixAttention(q!, k!, v!, null, dims, []).dataSync();
      const zeros = gatedPrefixAttention(q!, k!, v!, tf.zeros([B, 1, 1, T]) as tf.Tensor4D, dims, []).dataSync();
      expect(skipped).toEqual(zeros);
    });
  });

  it("gate 1 equals standard attention over [prefix ; sequence] keys and values", () => {
    tf.tidy(() => {
      const [q, k, v] = [1, 2, 3].map((s) => random([B * T, H], s) as tf.Tensor2D);
      const [pk, pv] = [4, 5].map((s) => random([L, H], s) as tf.Tensor2D);
      const prefix: GatedPrefix = { keys: pk!, values: pv!, gate: tf.scalar(1) };
      const got = gatedPrefixAttention(q!, k!, v!, additiveMask(mask, B, T), dims, [prefix]).dataSync();
      const want = referencePrefixAttention(q!.dataSync(), k!.dataSync(), v!.dataSync(), pk!.dataSync(), pv!.dataSync());
      for (let i = 0; i < want.length; i++) expect(Math.abs(got[i]! - want[i]!)).toBeLessThan(1e-5);
    });
  });

  it("gate z weights the prefix entries of the softmax numerator by z", () => {
    tf.tidy(() => {
      const [q, k, v] = [1, 2, 3].map((s) => random([B * T, H], s) as tf.Tensor2D);
      const [pk] = [4].map((s) => random([L, H], s) as tf.Tensor2D);
      // Prefix values all 1 and sequence values all 0: the output is the prefix's share of the weights,
      // which for one query is z P / (S + z P), with P, S the prefix and sequence exp-sums.
      const ones = tf.ones([L, H]) as tf.Tensor2D;
      const zeros = tf.zerosLike(v!) as tf.Tensor2D;
      const share = (z: number) =>
        gatedPrefixAttention(q!, k!, zeros, additiveMask(mask, B, T), dims, [{ keys: pk!, values: ones, gate: tf.scalar(z) }]).dataSync()[0]!;
      const r1 = share(1); // P / (S + P)
      const ratio = r1 / (1 - r1); // P / S
      expect(share(0.25)).toBeCloseTo((0.25 * ratio) / (1 + 0.25 * ratio), 5);
    });
  });

  it("gradients equal those of standard softmax attention (the row max is a constant for autodiff)", () => {
    tf.tidy(() => {
      const [q, k, v] = [1, 2, 3].map((s) => random([B * T, H], s) as tf.Tensor2D);
      const m = additiveMask(mask, B, T);
      const r = random([B * T, H], 9);
      const prefix: GatedPrefix = { keys: random([L, H], 4) as tf.Tensor2D, values: random([L, H], 5) as tf.Tensor2D, gate: tf.scalar(0.7) };
      const reference = (q: tf.Tensor, k: tf.Tensor, v: tf.Tensor, z: tf.Tensor) => {
        // standard softmax over [prefix ; sequence], with log z added to the prefix scores (= z-weighted numerator)
        const heads = (x: tf.Tensor, n: number) => tf.transpose(tf.reshape(x, [n === L ? 1 : B, n, nh, dh]), [0, 2, 1, 3]);
        const qh = heads(q, T);
        const kAll = tf.concat([tf.tile(heads(prefix.keys, L), [B, 1, 1, 1]), heads(k, T)], 2);
        const vAll = tf.concat([tf.tile(heads(prefix.values, L), [B, 1, 1, 1]), heads(v, T)], 2);
        const logGate = tf.concat([tf.mul(tf.ones([1, 1, 1, L]), tf.log(z)), tf.zeros([1, 1, 1, T])], 3);
        const maskAll = tf.concat([tf.zeros([B, 1, 1, L]), m!], 3);
        const scores = tf.add(tf.add(tf.div(tf.matMul(qh, kAll, false, true), Math.sqrt(dh)), maskAll), logGate);
        const out = tf.matMul(tf.softmax(scores), vAll);
        return tf.sum(tf.mul(tf.reshape(tf.transpose(out, [0, 2, 1, 3]), [B * T, H]), r));
      };
      const ours = (q: tf.Tensor, k: tf.Tensor, v: tf.Tensor, z: tf.Tensor) =>
        tf.sum(tf.mul(gatedPrefixAttention(q as tf.Tensor2D, k as tf.Tensor2D, v as tf.Tensor2D, m, dims, [{ ...prefix, gate: z as tf.Scalar }]), r));
      const got = tf.grads(ours)([q!, k!, v!, prefix.gate]);
      const want = tf.grads(reference)([q!, k!, v!, prefix.gate]);
      got.forEach((g, i) => {
        const diff = tf.max(tf.abs(tf.sub(g, want[i]!))).dataSync()[0]!;
        expect(diff, `gradient ${i}`).toBeLessThan(1e-4);
      });
      expect(tf.max(tf.abs(got[3]!)).dataSync()[0]).toBeGreaterThan(1e-3); // the gate gets a real gradient
    });
  });

  it("a gate-0 prefix leaves the whole model's forward bit-identical", () => {
    const config = defineBertConfig({ vocabSize: 30, hiddenSize: 8, numLayers: 2, numHeads: 2, intermediateSize: 12, maxPositions: 10 });
    const model = initRandomBertModel(config, { seed: 5, trainable: false });
    const batch: EncodedBatch = {
      batch: 2,
      length: 4,
      inputIds: new Int32Array([2, 7, 9, 3, 2, 8, 3, 0]),
      tokenTypeIds: new Int32Array(8),
      attentionMask: new Int32Array([1, 1, 1, 1, 1, 1, 1, 0]),
    };
    const keys = tf.randomNormal([3, 8], 0, 1, "float32", 6) as tf.Tensor2D;
    const values = tf.randomNormal([3, 8], 0, 1, "float32", 7) as tf.Tensor2D;
    const run = (gate: number | null) =>
      tf.tidy(() => {
        const calls: SiteCalls = {
          linear: (_s, _x, y) => y,
          residual: (_s, h) => h,
          norm: (_s, _xhat, y) => y,
          embedding: (_s, e) => e,
          activation: (_s, u) => u,
          attentionPrefixes: (_site: AttentionSite) => (gate === null ? [] : [{ keys, values, gate: tf.scalar(gate) }]),
        };
        return model.forward(batch, calls).lastHiddenState.dataSync().slice();
      });
    expect(run(0)).toEqual(run(null));
    expect(run(1)).not.toEqual(run(null));
    tf.dispose([keys, values]);
    model.dispose();
  });
});
