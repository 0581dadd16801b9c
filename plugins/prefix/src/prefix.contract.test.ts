import * as tf from "@tensorflow/tfjs";
import type { AttentionSite } from "@s3pet/core";
import { GatedSiteCalls, resolveOptions } from "@s3pet/core";
import { describePetMethod, perturbWeights, syntheticAttentionSite, syntheticSites } from "@s3pet/core/testing";
import { gatedPrefixAttention } from "@s3pet/models";
import { tinyBertBackbones } from "@s3pet/models/testing";
import { describe, expect, it } from "vitest";
import { prefix } from "./prefix.js";

// The tiny BERTs (learned absolute and relative_key positions) that @s3pet/models tests against transformers.
const tinyBerts = tinyBertBackbones();
describePetMethod(prefix, {
  sites: syntheticSites,
  options: [{ length: 3 }, { length: 2, reparameterize: true, reparamHidden: 5 }],
  backbone: tinyBerts,
});

describe("prefix", () => {
  const attention = (hidden: number, heads: number): AttentionSite => ({ ...syntheticAttentionSite, hidden, heads, headDim: hidden / heads });
  const options = (given: Record<string, unknown> = {}) => resolveOptions("prefix", prefix.options, given);

  it("has the exact parameter counts", () => {
    // keys and values 2*L*H, plus the mass scalar
    expect(prefix.paramCount(attention(256, 4), options({ length: 10 }))).toBe(5120 + 1);
    expect(prefix.paramCount(attention(768, 12), options({ length: 5 }))).toBe(7680 + 1);
    // embedding L*H + MLP (H*r + r) + (r*2H + 2H) + mass
    expect(prefix.paramCount(attention(8, 2), options({ length: 2, reparameterize: true, reparamHidden: 5 }))).toBe(16 + 45 + 96 + 1);
    expect(prefix.paramCount(attention(8, 2), options({ length: 2, reparameterize: true }))).toBe(16 + 72 + 144 + 1);
  });

  it("at z = 1 the backbone's gated attention is standard prefix attention (softmax over prefix + sequence keys)", () => {
    const [B, T, H, nh, L] = [2, 4, 8, 2, 3]; // batch, tokens, hidden, heads, prefix length
    const dh = H / nh;
    const site = attention(H, nh);
    const module = prefix.create(site, options({ length: L }), { seed: 1 });
    perturbWeights(module, 1);
    module.weights.mass!.assign(tf.scalar(-1)); // mass |s| = 1: plain prefix attention
    const gate = tf.scalar(1);
    const [q, k, v] = [1, 2, 3].map((s) => tf.randomNormal([B * T, H], 0, 1, "float32", s) as tf.Tensor2D);
    const maskValues = [1, 1, 1, 1, 1, 1, 0, 0]; // the second sequence has 2 padding tokens
    const mask = tf.tensor4d(maskValues.map((m) => (m ? 0 : -1e9)), [B, 1, 1, T]);
    const gated = tf.tidy(() =>
      gatedPrefixAttention(q!, k!, v!, mask, { batch: B, length: T, heads: nh }, new GatedSiteCalls([{ site, module, gate }]).attentionPrefixes(site)).arraySync(),
    );
    // Reference: prepend the prefix to every sequence's keys/values, plain softmax with the padding mask.
    const { prefix_keys: pk, prefix_values: pv } = module.weights;
    const reference = tf.tidy(() => {
      const heads = (t: tf.Tensor, rows: number) => tf.transpose(tf.reshape(t, [-1, rows, nh, dh]), [0, 2, 1, 3]); // [*, nh, rows, dh]
      const keys = tf.concat([tf.tile(heads(pk!, L), [B, 1, 1, 1]), heads(k!, T)], 2); // [B, nh, L+T, dh]
      const values = tf.concat([tf.tile(heads(pv!, L), [B, 1, 1, 1]), heads(v!, T)], 2); // [B, nh, L+T, dh]
      const fullMask = tf.concat([tf.zeros([B, 1, 1, L]), mask], 3); // prefixes are never masked
      const w = tf.softmax(tf.add(tf.div(tf.matMul(heads(q!, T), keys, false, true), Math.sqrt(dh)), fullMask)); // [B, nh, T, L+T]
      return (tf.reshape(tf.transpose(tf.matMul(w, values), [0, 2, 1, 3]), [B * T, H]) as tf.Tensor2D).arraySync();
    });
    gated.forEach((row, i) => row.forEach((x, j) => expect(x).toBeCloseTo(reference[i]![j]!, 5)));
    tf.dispose([gate, q!, k!, v!, mask]);
    module.dispose();
  });

  it("folds the reparameterisation MLP into plain keys/values on export, and loads them back", () => {
    const site = attention(8, 2);
    const o = options({ length: 2, reparameterize: true, reparamHidden: 5 });
    const trained = prefix.create(site, o, { seed: 2 });
    perturbWeights(trained, 2);
    expect(Object.keys(trained.weights).sort()).toEqual(["embedding", "mass", "mlp_in", "mlp_in_bias", "mlp_out", "mlp_out_bias"]);
    const folded = trained.exportWeights!();
    expect(Object.keys(folded).sort()).toEqual(["mass", "prefix_keys", "prefix_values"]);
    expect(folded.prefix_keys!.shape).toEqual([2, 8]);
    const expected = tf.tidy(() => {
      const p = trained.contribution.kind === "attention" ? trained.contribution.prefix() : null;
      return tf.concat([p!.keys, p!.values], 1).dataSync();
    });
    for (const into of [o, options({ length: 2 })]) {
      const loaded = prefix.create(site, into, { seed: 3 });
      loaded.load(folded);
      expect(Object.keys(loaded.weights).sort()).toEqual(["mass", "prefix_keys", "prefix_values"]);
      expect(loaded.weights.mass!.dataSync()[0]).toBe(trained.weights.mass!.dataSync()[0]);
      const actual = tf.tidy(() => {
        const p = loaded.contribution.kind === "attention" ? loaded.contribution.prefix() : null;
        return tf.concat([p!.keys, p!.values], 1).dataSync();
      });
      actual.forEach((x, i) => expect(x).toBeCloseTo(expected[i]!, 6));
      loaded.dispose();
    }
    tf.dispose(Object.values(folded));
    trained.dispose();
  });

  it("offers the L = 10 preset on every attention", () => {
    expect(prefix.presets).toEqual([expect.objectContaining({ name: "prefix", include: ["attention", "SelfAttention"], options: { length: 10 } })]);
  });
});
