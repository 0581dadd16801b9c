import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { AdamW, warmupLinearDecay } from "./adamw.js";

/** One AdamW step in plain JS (PyTorch semantics: decoupled decay, bias correction, eps outside the sqrt). */
function reference(w: number[], g: number[], m: number[], v: number[], t: number, lr: number, wd: number): number[] {
  const [b1, b2, eps] = [0.9, 0.999, 1e-8];
  return w.map((wi, i) => {
    const mi = b1 * m[i]! + (1 - b1) * g[i]!;
    const vi = b2 * v[i]! + (1 - b2) * g[i]! ** 2;
    const update = mi / (1 - b1 ** t) / (Math.sqrt(vi / (1 - b2 ** t)) + eps);
    return wi - lr * update - lr * wd * wi;
  });
}

const never = (n: number): never => {
  throw new Error(`non-finite ${n}`);
};

describe("AdamW", () => {
  it("matches the reference update, decays the learning rate linearly to 0 and clips the group norm", () => {
    const x = tf.variable(tf.tensor1d([0.5, -1, 2]));
    const opt = new AdamW([{ key: "x", variable: x }], { lr: 0.1, weightDecay: 0.01, maxGradNorm: 1, totalSteps: 4 });
    expect(opt.lrNow()).toBeCloseTo(0.1);
    const g = [0.3, -0.4, 0]; // norm 0.5 < 1: no clipping
    tf.tidy(() => void opt.apply({ [x.name]: tf.tensor1d(g) }, never));
    Array.from(x.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(reference([0.5, -1, 2], g, [0, 0, 0], [0, 0, 0], 1, 0.1, 0.01)[i]!, 6));
    expect(opt.lrNow()).toBeCloseTo(0.075);

    const y = tf.variable(tf.tensor1d([1, 1]));
    const clipped = new AdamW([{ key: "y", variable: y }], { lr: 0.1, weightDecay: 0, maxGradNorm: 1, totalSteps: 10 });
    let gradNorm = 0;
    tf.tidy(() => void ({ gradNorm } = clipped.apply({ [y.name]: tf.tensor1d([30, 40]) }, never))); // norm 50 -> scaled to 1
    expect(gradNorm).toBeCloseTo(50, 4);
    // first Adam step moves each coordinate by ~lr * sign(g) whatever the scale
    Array.from(y.dataSync()).forEach((v) => expect(v).toBeCloseTo(0.9, 4));
    opt.dispose();
    clipped.dispose();
    x.dispose();
    y.dispose();
  });

  it("leaves parameters without a gradient untouched and refuses a non-finite gradient before any change", () => {
    const a = tf.variable(tf.tensor1d([1]));
    const b = tf.variable(tf.tensor1d([2]));
    const opt = new AdamW([{ key: "a", variable: a }, { key: "b", variable: b }], { lr: 0.1, weightDecay: 0, maxGradNorm: 2, totalSteps: 10 });
    tf.tidy(() => void opt.apply({ [a.name]: tf.tensor1d([1]) }, never));
    expect(b.dataSync()[0]).toBe(2);
    expect(() => tf.tidy(() => void opt.apply({ [a.name]: tf.tensor1d([NaN]) }, never))).toThrow("non-finite NaN");
    expect(opt.step).toBe(1);
    opt.dispose();
    a.dispose();
    b.dispose();
  });

  it("round-trips its moments and step count exactly", () => {
    const mk = () => tf.variable(tf.tensor1d([0.1, 0.2, 0.3]));
    const [p, q] = [mk(), mk()];
    const o1 = new AdamW([{ key: "w", variable: p }], { lr: 0.01, weightDecay: 0, maxGradNorm: 2, totalSteps: 10 });
    const o2 = new AdamW([{ key: "w", variable: q }], { lr: 0.01, weightDecay: 0, maxGradNorm: 2, totalSteps: 10 });
    const grad = (s: number) => tf.tensor1d([s, -s, 2 * s]);
    for (let s = 1; s <= 3; s++) tf.tidy(() => void o1.apply({ [p.name]: grad(s) }, never));
    o2.loadState(o1.state());
    q.assign(p);
    for (let s = 4; s <= 6; s++) {
      tf.tidy(() => void o1.apply({ [p.name]: grad(s) }, never));
      tf.tidy(() => void o2.apply({ [q.name]: grad(s) }, never));
    }
    expect(Array.from(q.dataSync())).toEqual(Array.from(p.dataSync()));
    expect(o2.step).toBe(6);
    o1.dispose();
    o2.dispose();
  });

  it("warms up linearly, then decays linearly to 0 (pretraining's schedule); a parameter with weight decay 0 is not decayed", () => {
    expect([0, 3, 4, 7, 10].map((k) => warmupLinearDecay(k, 1, 4, 10))).toEqual([0.25, 1, 1, 0.5, 0]);
    expect(warmupLinearDecay(2, 0.1, 0, 4)).toBeCloseTo(0.05);
    const w = tf.variable(tf.tensor1d([1]));
    const b = tf.variable(tf.tensor1d([1]));
    const opt = new AdamW([{ key: "w", variable: w }, { key: "b", variable: b, weightDecay: 0 }], { lr: 0.1, weightDecay: 0.5, maxGradNorm: 10, totalSteps: 10, warmupSteps: 2 });
    expect(opt.lrNow()).toBeCloseTo(0.05);
    tf.tidy(() => void opt.apply({ [w.name]: tf.tensor1d([0]), [b.name]: tf.tensor1d([0]) }, never));
    expect(w.dataSync()[0]).toBeCloseTo(1 - 0.05 * 0.5, 6); // zero gradient: only the decay moves w
    expect(b.dataSync()[0]).toBe(1);
    expect(opt.lrNow()).toBeCloseTo(0.1);
    tf.dispose([w, b]);
    opt.dispose();
  });

  it("gives each parameter group its own lr and weight decay on the shared schedule, and clips over all groups", () => {
    const a = tf.variable(tf.tensor1d([0.5, -1]));
    const b = tf.variable(tf.tensor1d([2]));
    const opt = new AdamW(
      [{ key: "a", variable: a }, { key: "b", variable: b, lr: 0.01, weightDecay: 0.5 }],
      { lr: 0.1, weightDecay: 0, maxGradNorm: 0.25, totalSteps: 4 },
    );
    const [ga, gb] = [[0.3, 0], [-0.4]]; // global norm 0.5 > 0.25: both groups scaled by the same factor
    const scale = 0.25 / (0.5 + 1e-6);
    tf.tidy(() => void opt.apply({ [a.name]: tf.tensor1d(ga), [b.name]: tf.tensor1d(gb) }, never));
    const refA = reference([0.5, -1], ga.map((g) => g * scale), [0, 0], [0, 0], 1, 0.1, 0);
    const refB = reference([2], gb.map((g) => g * scale), [0], [0], 1, 0.01, 0.5);
    Array.from(a.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(refA[i]!, 6));
    expect(b.dataSync()[0]).toBeCloseTo(refB[0]!, 6);
    expect(opt.lrNow()).toBeCloseTo(0.075); // the base group's lr after one of 4 steps
    opt.dispose();
    a.dispose();
    b.dispose();
  });

  it("peekUpdate is exactly the change apply makes, and changes no state", () => {
    const mk = () => tf.variable(tf.tensor1d([0.1, -0.2, 0.3]));
    const [p, q] = [mk(), mk()];
    const opt = new AdamW([{ key: "w", variable: p, lr: 0.02, weightDecay: 0.1 }], { lr: 0.1, weightDecay: 0, maxGradNorm: 1, totalSteps: 10 });
    const grad = (s: number) => tf.tensor1d([s, -2 * s, 0.5 * s]);
    tf.tidy(() => void opt.apply({ [p.name]: grad(1) }, never));
    q.assign(p);
    const expected = tf.tidy(() => tf.sub(q, opt.peekUpdate({ [p.name]: grad(3) })[p.name]!));
    expect(opt.step).toBe(1);
    tf.tidy(() => void opt.apply({ [p.name]: grad(3) }, never));
    Array.from(p.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(expected.dataSync()[i]!, 7));
    tf.dispose([expected, p, q]);
    opt.dispose();
  });
});
