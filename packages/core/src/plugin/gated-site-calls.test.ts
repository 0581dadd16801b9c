import * as tf from "@tensorflow/tfjs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PluginError } from "../errors/s3pet-error.js";
import { GatedSiteCalls } from "./gated-site-calls.js";
import type { PetModule, SiteContribution } from "./pet-module.js";
import type { AttentionSite, LinearSite, NormSite, ResidualSite } from "./site.js";

const linear: LinearSite = { kind: "linear", name: "encoder.layer.0.attention.self.query", layer: 0, position: "attention.self.query", dIn: 3, dOut: 2 };
const residual: ResidualSite = { kind: "residual", name: "encoder.layer.0.output", layer: 0, position: "output", dim: 2 };
const norm: NormSite = { kind: "norm", name: "encoder.layer.0.output.LayerNorm", layer: 0, position: "output.LayerNorm", dim: 2 };
const attention: AttentionSite = { kind: "attention", name: "encoder.layer.0.attention", layer: 0, position: "attention", hidden: 4, heads: 2, headDim: 2 };

/** A variable that owns its initial value (tf.variable alone leaves the initial tensor alive). */
function variableOf(t: tf.Tensor): tf.Variable {
  const v = tf.variable(t);
  t.dispose();
  return v;
}

/** A module whose only weight is `w`; the delta is chosen by the test. */
function moduleWith(w: tf.Variable, contribution: SiteContribution): PetModule {
  return { weights: { w }, contribution, load: () => {}, dispose: () => w.dispose() };
}

describe("GatedSiteCalls", () => {
  let start: number;
  beforeEach(() => void (start = tf.memory().numTensors));
  afterEach(() => expect(tf.memory().numTensors).toBe(start));

  it("adds z * delta at a linear site and sums several modules against the frozen y", () => {
    const bias = variableOf(tf.tensor1d([1, 2]));
    const scale = variableOf(tf.tensor1d([10, 10]));
    const calls = new GatedSiteCalls([
      { site: linear, module: moduleWith(bias, { kind: "linear", delta: () => bias }), gate: tf.scalar(0.5) },
      // depends on y: would see 0.5*[1,2] added first if the calls were chained
      { site: linear, module: moduleWith(scale, { kind: "linear", delta: (_x, y) => tf.mul(y, scale) }), gate: tf.scalar(2) },
    ]);
    const x = tf.ones([2, 3]) as tf.Tensor2D;
    const y = tf.tensor2d([[1, 1], [0, 3]]);
    const out = calls.linear(linear, x, y);
    // y + 0.5*b + 2*(10*y) = 21 y + [0.5, 1]
    expect(Array.from(out.dataSync())).toEqual([21.5, 22, 0.5, 64]);
    tf.dispose([x, y, out, bias, scale, ...calls.attachedAt(linear.name).map((a) => a.gate)]);
  });

  it("returns y itself at a site with nothing attached, and y exactly at gate 0", () => {
    const w = variableOf(tf.tensor2d([[3, -7], [1e6, 0.25]]));
    const gate = tf.scalar(0);
    const calls = new GatedSiteCalls([{ site: residual, module: moduleWith(w, { kind: "residual", delta: () => w }), gate }]);
    const h = tf.tensor2d([[0.1, -0.2], [1e-8, 12345.678]]);
    expect(calls.norm(norm, h, h)).toBe(h);
    const out = calls.residual(residual, h);
    expect(out.dataSync()).toEqual(h.dataSync());
    tf.dispose([w, gate, h, out]);
  });

  it("lets the gradient reach both the module's weight and the gate", () => {
    const w = variableOf(tf.tensor1d([1, 2]));
    const gate = variableOf(tf.scalar(0.3));
    const calls = new GatedSiteCalls([{ site: norm, module: moduleWith(w, { kind: "norm", delta: () => w }), gate: gate as tf.Scalar }]);
    const y = tf.tensor2d([[1, 2], [3, 4]]);
    const { value, grads } = tf.variableGrads(() => tf.sum(calls.norm(norm, y, y)) as tf.Scalar, [w, gate]);
    expect(Array.from(grads[w.name]!.dataSync())).toEqual([expect.closeTo(0.6, 6), expect.closeTo(0.6, 6)]);
    expect(grads[gate.name]!.dataSync()[0]).toBeCloseTo(6, 5); // d/dz of sum(z * w) over 2 rows = 2 * (1 + 2)
    tf.dispose([w, gate, y, value, ...Object.values(grads)]);
  });

  it("passes prefixes with their gate at attention sites", () => {
    const keys = variableOf(tf.ones([3, 4]));
    const values = variableOf(tf.zeros([3, 4]));
    const gate = tf.scalar(0.7);
    const module: PetModule = {
      weights: { keys, values },
      contribution: { kind: "attention", prefix: () => ({ keys: keys as tf.Tensor2D, values: values as tf.Tensor2D }) },
      load: () => {},
      dispose: () => tf.dispose([keys, values]),
    };
    const calls = new GatedSiteCalls([{ site: attention, module, gate }]);
    const [p] = calls.attentionPrefixes(attention);
    expect(p!.keys.shape).toEqual([3, 4]);
    expect(p!.gate).toBe(gate);
    expect(calls.attentionPrefixes({ ...attention, name: "encoder.layer.1.attention" })).toEqual([]);
    module.dispose();
    gate.dispose();
  });

  it("rejects a module on a site of another kind, a non-scalar gate and a delta of the wrong shape", () => {
    const w = variableOf(tf.zeros([5]));
    const gate = tf.scalar(1);
    const vec = tf.ones([2]);
    const m = moduleWith(w, { kind: "linear", delta: () => w });
    expect(() => new GatedSiteCalls([{ site: residual, module: m, gate, label: "bitfit" }])).toThrow(
      "bitfit@encoder.layer.0.output: module contributes to 'linear' sites, but the site is 'residual'",
    );
    expect(() => new GatedSiteCalls([{ site: linear, module: m, gate: vec as unknown as tf.Scalar }])).toThrow(PluginError);
    const calls = new GatedSiteCalls([{ site: linear, module: m, gate, label: "bitfit" }]);
    const x = tf.ones([2, 3]) as tf.Tensor2D;
    const y = tf.ones([2, 2]) as tf.Tensor2D;
    expect(() => calls.linear(linear, x, y)).toThrow("bitfit@encoder.layer.0.attention.self.query: delta must be [2,2] or [2], got [5]");
    tf.dispose([w, gate, vec, x, y]);
  });
});
