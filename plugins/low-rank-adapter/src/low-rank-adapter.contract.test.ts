// The shared contract suite (@s3pet/core/testing) on small synthetic sites and on the tiny BERTs,
// then the low-rank adapter's own checks: exact counts and the factorised delta on known values.
import * as tf from "@tensorflow/tfjs";
import { resolveOptions, type ResidualSite } from "@s3pet/core";
import { describePetMethod, syntheticResidualSite, syntheticSites } from "@s3pet/core/testing";
import { tinyBertBackbones } from "@s3pet/models/testing";
import { describe, expect, it } from "vitest";
import { lowRankAdapter } from "./low-rank-adapter.js";

// The tiny BERTs (learned absolute and relative_key positions) that @s3pet/models tests against transformers.
const tinyBerts = tinyBertBackbones();

describePetMethod(lowRankAdapter, {
  sites: syntheticSites,
  options: [{ rank: 1, bottleneck: 3 }, { rank: 2, reductionFactor: 4, activation: "relu" }],
  backbone: tinyBerts,
});

describe("low-rank-adapter", () => {
  const options = (given: Record<string, unknown> = {}) => resolveOptions("low-rank-adapter", lowRankAdapter.options, given);
  const residual = (dim: number): ResidualSite => ({ ...syntheticResidualSite, dim });

  it("has the exact parameter counts 2 r (d + m) + m + d", () => {
    expect(lowRankAdapter.paramCount(residual(768), options())).toBe(2 * (768 + 24) + 24 + 768); // m = 768 / 32
    expect(lowRankAdapter.paramCount(residual(128), options({ rank: 4, bottleneck: 16 }))).toBe(2 * 4 * (128 + 16) + 16 + 128);
  });

  it("computes act((h A) B + b_down) C D + b_up", () => {
    const site = residual(4);
    const module = lowRankAdapter.create(site, options({ rank: 1, bottleneck: 2, activation: "relu" }), { seed: 1 });
    module.load({
      down_a: tf.tensor2d([[1], [0], [-1], [2]]), // [4, 1]
      down_b: tf.tensor2d([[1, -1]]), // [1, 2]
      down_bias: tf.tensor1d([0.5, 0]),
      up_a: tf.tensor2d([[1], [2]]), // [2, 1]
      up_b: tf.tensor2d([[1, 0, -1, 0.5]]), // [1, 4]
      up_bias: tf.tensor1d([0, 0, 0, 1]),
    });
    const h = tf.tensor2d([[1, 2, 3, 4]]); // h A = 1 - 3 + 8 = 6 -> [6, -6] + [0.5, 0] -> relu [6.5, 0] -> C: 6.5 -> D
    const delta = module.contribution.kind === "residual" ? module.contribution.delta(h) : h;
    expect(Array.from(delta.dataSync())).toEqual([6.5, 0, -6.5, 4.25]);
    tf.dispose([h, delta]);
    module.dispose();
  });
});
