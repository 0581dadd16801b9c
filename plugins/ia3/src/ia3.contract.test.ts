// The shared contract suite (@s3pet/core/testing) on small synthetic sites and on the tiny BERT,
// then what is specific to (IA)^3: the exact count and the delta on hand-computed values.
import * as tf from "@tensorflow/tfjs";
import { GatedSiteCalls } from "@s3pet/core";
import { describePetMethod, syntheticActivationSite, syntheticLinearSite, syntheticSites } from "@s3pet/core/testing";
import { tinyBertBackbones } from "@s3pet/models/testing";
import { describe, expect, it } from "vitest";
import { ia3 } from "./ia3.js";

// The tiny BERTs (learned absolute and relative_key positions) that @s3pet/models tests against transformers.
const tinyBerts = tinyBertBackbones();

describePetMethod(ia3, {
  sites: syntheticSites,
  backbone: tinyBerts,
});

describe("ia3", () => {
  it("has dOut parameters at a linear site and dim at an activation site", () => {
    expect(ia3.paramCount({ ...syntheticLinearSite, dIn: 256, dOut: 1024 }, {})).toBe(1024);
    expect(ia3.paramCount({ ...syntheticActivationSite, dim: 512 }, {})).toBe(512);
  });

  it("scales the feed-forward activation (after the non-linearity) at an activation site", () => {
    const site = { ...syntheticActivationSite, dim: 2 };
    const module = ia3.create(site, {}, { seed: 1 });
    const l = tf.tensor1d([2, 0.5]);
    module.load({ scale: l });
    const u = tf.tensor2d([[3, 4]]);
    const gate = tf.scalar(1);
    expect(tf.tidy(() => new GatedSiteCalls([{ site, module, gate }]).activation(site, u).arraySync())).toEqual([[6, 2]]);
    expect(ia3.presets?.[0]?.include).toContain("intermediate.intermediate_act_fn");
    tf.dispose([l, u, gate]);
    module.dispose();
  });

  it("rescales y by l at z = 1, and by 1 + z (l - 1) in between", () => {
    const site = { ...syntheticLinearSite, dIn: 2, dOut: 2 };
    const module = ia3.create(site, {}, { seed: 1 });
    const l = tf.tensor1d([2, 0.5]);
    module.load({ scale: l });
    const x = tf.zeros([1, 2]) as tf.Tensor2D;
    const y = tf.tensor2d([[3, 4]]);
    const at = (z: number) => {
      const gate = tf.scalar(z);
      const out = tf.tidy(() => new GatedSiteCalls([{ site, module, gate }]).linear(site, x, y).arraySync());
      gate.dispose();
      return out;
    };
    expect(at(1)).toEqual([[6, 2]]);
    expect(at(0.5)).toEqual([[4.5, 3]]);
    expect(at(0)).toEqual([[3, 4]]);
    tf.dispose([l, x, y]);
    module.dispose();
  });
});
