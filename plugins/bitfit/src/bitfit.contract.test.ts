import * as tf from "@tensorflow/tfjs";
import type { LinearSite, NormSite } from "@s3pet/core";
import { GatedSiteCalls } from "@s3pet/core";
import { describePetMethod, syntheticForward, syntheticLinearSite, syntheticSites } from "@s3pet/core/testing";
import { tinyBertBackbones } from "@s3pet/models/testing";
import { describe, expect, it } from "vitest";
import { bitfit } from "./bitfit.js";

// The tiny BERTs (learned absolute and relative_key positions) that @s3pet/models tests against transformers.
const tinyBerts = tinyBertBackbones();

describePetMethod(bitfit, {
  sites: syntheticSites,
  backbone: tinyBerts,
});

describe("bitfit", () => {
  const linear = (dIn: number, dOut: number): LinearSite => ({ ...syntheticLinearSite, dIn, dOut });
  const norm = (dim: number): NormSite => ({ kind: "norm", name: "encoder.layer.0.output.LayerNorm", layer: 0, position: "output.LayerNorm", dim });

  it("has the exact parameter counts", () => {
    expect(bitfit.paramCount(linear(256, 1024), {})).toBe(1024);
    expect(bitfit.paramCount(linear(1024, 256), {})).toBe(256);
    expect(bitfit.paramCount(norm(256), {})).toBe(256);
  });

  it("adds z * b to every row", () => {
    const module = bitfit.create(syntheticLinearSite, {}, { seed: 1 });
    const b = tf.tensor1d([1, 2, 3, 4, 5, 6, 7, 8]);
    module.load({ bias: b });
    const gate = tf.scalar(0.5);
    const [plain, gated] = tf.tidy(() => [
      syntheticForward(syntheticLinearSite).arraySync() as number[][],
      syntheticForward(syntheticLinearSite, new GatedSiteCalls([{ site: syntheticLinearSite, module, gate }])).arraySync() as number[][],
    ]);
    gated.forEach((row, n) => row.forEach((v, j) => expect(v - plain[n]![j]!).toBeCloseTo(0.5 * (j + 1), 5)));
    tf.dispose([b, gate]);
    module.dispose();
  });

  it("offers the all-biases preset", () => {
    expect(bitfit.presets?.map((p) => p.name)).toEqual(["bitfit"]);
  });
});
