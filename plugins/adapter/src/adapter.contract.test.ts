import * as tf from "@tensorflow/tfjs";
import type { ResidualSite } from "@s3pet/core";
import { matchSites, resolveOptions } from "@s3pet/core";
import { describePetMethod, syntheticResidualSite, syntheticSites } from "@s3pet/core/testing";
import { loadPretrained } from "@s3pet/models";
import { TINY_BERT_DIR, tinyBertBackbones } from "@s3pet/models/testing";
import { describe, expect, it } from "vitest";
import { adapter } from "./adapter.js";

// The tiny BERTs (learned absolute and relative_key positions) that @s3pet/models tests against transformers.
const tinyBerts = tinyBertBackbones();
const loadTinyBert = () => loadPretrained(TINY_BERT_DIR).model;

describePetMethod(adapter, {
  sites: syntheticSites,
  options: [{ bottleneck: 3, activation: "relu" }, { reductionFactor: 4, activation: "silu" }, { activation: "tanh" }],
  backbone: tinyBerts,
});

describe("adapter", () => {
  const residual = (dim: number): ResidualSite => ({ ...syntheticResidualSite, dim });
  const options = (given: Record<string, unknown> = {}) => resolveOptions("adapter", adapter.options, given);

  it("has the exact parameter counts 2 d m + m + d", () => {
    expect(adapter.paramCount(residual(256), options({ bottleneck: 16 }))).toBe(8464);
    expect(adapter.paramCount(residual(256), options())).toBe(8464); // m = 256 / 16
    expect(adapter.paramCount(residual(768), options({ reductionFactor: 32 }))).toBe(2 * 768 * 24 + 24 + 768);
    expect(adapter.paramCount(residual(8), options({ reductionFactor: 100 }))).toBe(2 * 8 + 1 + 8); // m >= 1
  });

  it("computes act(h W_down + b_down) W_up + b_up", () => {
    const site = residual(2);
    const module = adapter.create(site, options({ bottleneck: 1, activation: "relu" }), { seed: 1 });
    const saved = { down: tf.tensor2d([[1], [-2]]), down_bias: tf.tensor1d([0.5]), up: tf.tensor2d([[3, -1]]), up_bias: tf.tensor1d([0.25, 0]) };
    module.load(saved);
    const h = tf.tensor2d([[1, 1], [-1, 0]]);
    // relu(1 - 2 + 0.5) = 0 and relu(-1 + 0.5) = 0: only b_up remains
    const out = tf.tidy(() => (module.contribution.kind === "residual" ? module.contribution.delta(h) : h).arraySync());
    expect(out).toEqual([[0.25, 0], [0.25, 0]]);
    const h2 = tf.tensor2d([[2, 0]]); // relu(2 + 0.5) = 2.5 -> [7.75, -2.5]
    const out2 = tf.tidy(() => (module.contribution.kind === "residual" ? module.contribution.delta(h2) : h2).arraySync());
    expect(out2).toEqual([[7.75, -2.5]]);
    tf.dispose([h, h2, ...Object.values(saved)]);
    module.dispose();
  });

  it("gelu is the exact erf form", () => {
    const site = residual(1);
    const module = adapter.create(site, options({ bottleneck: 1 }), { seed: 1 });
    const saved = { down: tf.tensor2d([[1]]), down_bias: tf.tensor1d([0]), up: tf.tensor2d([[1]]), up_bias: tf.tensor1d([0]) };
    module.load(saved);
    const h = tf.tensor2d([[-1], [0.5], [2]]);
    const out = tf.tidy(() => (module.contribution.kind === "residual" ? module.contribution.delta(h) : h).dataSync());
    // gelu(-1) = -0.158655, gelu(0.5) = 0.345731, gelu(2) = 1.954500
    [-0.158655, 0.345731, 1.9545].forEach((v, i) => expect(out[i]).toBeCloseTo(v, 5));
    tf.dispose([h, ...Object.values(saved)]);
    module.dispose();
  });

  it("its preset picks the two Houlsby positions of every layer", () => {
    const backbone = loadTinyBert();
    const preset = adapter.presets![0]!;
    const chosen = matchSites(backbone.sites().filter((s) => s.kind === "residual"), preset.include).map((s) => s.name);
    expect(chosen).toEqual(["encoder.layer.0.attention.output", "encoder.layer.0.output", "encoder.layer.1.attention.output", "encoder.layer.1.output"]);
    backbone.dispose();
  });
});
