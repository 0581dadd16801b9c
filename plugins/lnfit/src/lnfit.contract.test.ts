// The shared contract suite (@s3pet/core/testing) on small synthetic sites and on the tiny BERTs,
// then LNFit's own checks: exact counts, and the delta is the LayerNorm with shifted gain and bias.
import * as tf from "@tensorflow/tfjs";
import { GatedSiteCalls, type NormSite } from "@s3pet/core";
import { describePetMethod, syntheticNormSite, syntheticSites } from "@s3pet/core/testing";
import { layerNorm, loadPretrained } from "@s3pet/models";
import { TINY_BERT_DIR, tinyBertBackbones } from "@s3pet/models/testing";
import { describe, expect, it } from "vitest";
import { lnfit } from "./lnfit.js";

// The tiny BERTs (learned absolute and relative_key positions) that @s3pet/models tests against transformers.
const tinyBerts = tinyBertBackbones();
const loadTinyBert = () => loadPretrained(TINY_BERT_DIR).model;

describePetMethod(lnfit, {
  sites: syntheticSites,
  options: [{}],
  backbone: tinyBerts,
});

describe("lnfit", () => {
  it("has 2 x dim parameters at every norm site of the tiny BERT, the embeddings' LayerNorm included", () => {
    const model = loadTinyBert();
    const norms = model.sites().filter((s): s is NormSite => s.kind === "norm");
    expect(norms.map((s) => s.name)).toContain("embeddings.LayerNorm");
    for (const site of norms) expect(lnfit.paramCount(site, {})).toBe(2 * site.dim);
    model.dispose();
  });

  it("at z = 1 the site computes (gamma + dgamma) xhat + (beta + dbeta)", () => {
    const site = syntheticNormSite;
    const d = site.dim;
    const module = lnfit.create(site, {}, { seed: 1 });
    const [dg, db] = [tf.randomNormal([d], 0, 0.5, "float32", 2), tf.randomNormal([d], 0, 0.5, "float32", 3)];
    module.load({ gain: dg, bias: db });
    const out = tf.tidy(() => {
      const x = tf.randomNormal([5, d], 0, 1, "float32", 4) as tf.Tensor2D; // [N, d]
      const [gamma, beta] = [tf.randomNormal([d], 1, 0.1, "float32", 5), tf.randomNormal([d], 0, 0.1, "float32", 6)];
      const { xhat, y } = layerNorm(x, gamma, beta, 1e-12);
      const calls = new GatedSiteCalls([{ site, module, gate: tf.scalar(1) }]);
      const expected = layerNorm(x, tf.add(gamma, dg), tf.add(beta, db), 1e-12).y;
      return tf.max(tf.abs(tf.sub(calls.norm(site, xhat, y), expected))).dataSync()[0]!;
    });
    expect(out).toBeLessThan(1e-5);
    tf.dispose([dg, db]);
    module.dispose();
  });
});
