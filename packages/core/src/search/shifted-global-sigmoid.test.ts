import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { SeededRng } from "../random/seeded-rng.js";
import { ShiftedGlobalSigmoid, sigmoid, solveShift, SHIFT_TOLERANCE } from "./shifted-global-sigmoid.js";

function softCount(p: ArrayLike<number>, counts: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < counts.length; i++) s += counts[i]! * p[i]!;
  return s;
}

describe("solveShift", () => {
  it("holds the budget within 1e-6 relative for random alpha and counts spanning 4 orders of magnitude", () => {
    const rng = new SeededRng(7);
    const r = () => rng.next();
    for (let trial = 0; trial < 200; trial++) {
      const C = 1 + Math.floor(r() * 300);
      const counts = Array.from({ length: C }, () => Math.max(1, Math.round(10 ** (1 + 4 * r())))); // 10 .. 100000
      const alpha = Array.from({ length: C }, () => (r() - 0.5) * 20 * r());
      const total = counts.reduce((a, b) => a + b, 0);
      if (total <= 1) continue;
      const budget = 1 + r() * r() * (total - 2); // often tiny, sometimes close to the total
      const beta = [0.1, 0.5, 1, 3][trial % 4]!;
      const sol = solveShift(alpha, counts, budget, beta);
      expect(Math.abs(sol.soft - budget) / budget).toBeLessThanOrEqual(SHIFT_TOLERANCE);
      expect(Math.abs(softCount(sol.p, counts) - budget) / budget).toBeLessThanOrEqual(SHIFT_TOLERANCE);
      for (let i = 0; i < C; i++) expect(sol.p[i]).toBeCloseTo(sigmoid((alpha[i]! - sol.shift) / beta), 12);
    }
  });

  it("gives p_i = B / sum n when every alpha is 0", () => {
    const counts = [4096, 256, 8464, 5120, 1024];
    const total = counts.reduce((a, b) => a + b, 0);
    const sol = solveShift([0, 0, 0, 0, 0], counts, 1000);
    for (const p of sol.p) expect(p).toBeCloseTo(1000 / total, 12);
  });

  it("solves extreme alphas and budgets of a few parameters out of a billion", () => {
    const counts = [1e9, 3, 50_000_000, 7];
    const sol = solveShift([40, -60, 0, 5], counts, 5);
    expect(Math.abs(sol.soft - 5) / 5).toBeLessThanOrEqual(SHIFT_TOLERANCE);
  });

  it("rejects budgets outside (0, sum n) and non-finite alphas", () => {
    expect(() => solveShift([0, 0], [10, 10], 20)).toThrow(/budget 20 must be in \(0, 20\)/);
    expect(() => solveShift([0, 0], [10, 10], 0)).toThrow(/must be in/);
    expect(() => solveShift([0, NaN], [10, 10], 5)).toThrow(/alpha\[1\] is NaN.*--alpha-lr/);
  });
});

describe("ShiftedGlobalSigmoid gradients", () => {
  const counts = [40, 3000, 7, 512, 90_000, 1200];
  const alpha0 = [0.3, -1.2, 2.0, 0.0, -0.4, 1.1];
  const weights = [0.7, -0.2, 1.5, -1.1, 0.4, 0.9];
  const budget = 2500;

  /** dL/dalpha from the customGrad, for L = sum_i w_i p_i. */
  function analytic(mode: "implicit" | "detach-sum" | "none"): Float32Array {
    const sgs = new ShiftedGlobalSigmoid(counts, budget, { gradient: mode, temperature: 0.7 });
    return tf.tidy(() => {
      const w = tf.tensor1d(weights);
      const g = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(w, sgs.probabilities(a as tf.Tensor1D))))(tf.tensor1d(alpha0));
      return g.dataSync() as Float32Array;
    });
  }

  /** Central differences in float64 of a host function of alpha. */
  function numeric(f: (alpha: number[]) => number): number[] {
    const h = 1e-6;
    return alpha0.map((_, j) => {
      const up = alpha0.slice();
      const down = alpha0.slice();
      up[j]! += h;
      down[j]! -= h;
      return (f(up) - f(down)) / (2 * h);
    });
  }

  const L = (p: ArrayLike<number>) => weights.reduce((s, w, i) => s + w * p[i]!, 0);

  it("implicit: matches finite differences through the solved shift", () => {
    const fd = numeric((a) => L(solveShift(a, counts, budget, 0.7).p));
    const g = analytic("implicit");
    fd.forEach((d, j) => expect(g[j]).toBeCloseTo(d, 5));
    expect(Math.max(...fd.map(Math.abs))).toBeGreaterThan(1e-3); // a gradient that could be wrong
  });

  it("implicit: the gradient of the soft count itself is zero (the budget is preserved)", () => {
    const sgs = new ShiftedGlobalSigmoid(counts, budget, { temperature: 0.7 });
    const g = tf.tidy(() => {
      const n = tf.tensor1d(counts);
      return tf.grad((a: tf.Tensor) => tf.sum(tf.mul(n, sgs.probabilities(a as tf.Tensor1D))))(tf.tensor1d(alpha0)).dataSync();
    });
    for (const v of g) expect(Math.abs(v)).toBeLessThan(1e-3); // vs. entries of order 1e3 without the shift term
  });

  it("none: matches finite differences with the shift held constant", () => {
    const b0 = solveShift(alpha0, counts, budget, 0.7).shift;
    const fd = numeric((a) => L(a.map((x) => sigmoid((x - b0) / 0.7))));
    const g = analytic("none");
    fd.forEach((d, j) => expect(g[j]).toBeCloseTo(d, 5));
  });

  it("detach-sum: matches the projection p * stopgrad(sum p) / sum p with the shift constant", () => {
    const b0 = solveShift(alpha0, counts, budget, 0.7).shift;
    const S0 = solveShift(alpha0, counts, budget, 0.7).p.reduce((a, b) => a + b, 0);
    const fd = numeric((a) => {
      const p = a.map((x) => sigmoid((x - b0) / 0.7));
      const S = p.reduce((s, v) => s + v, 0);
      return L(p.map((v) => (v * S0) / S));
    });
    const g = analytic("detach-sum");
    fd.forEach((d, j) => expect(g[j]).toBeCloseTo(d, 5));
  });

  it("forward p on the device holds the budget and records the shift", () => {
    const sgs = new ShiftedGlobalSigmoid(counts, budget);
    const p = tf.tidy(() => sgs.probabilities(tf.tensor1d(alpha0)).dataSync());
    expect(Math.abs(softCount(p, counts) - budget) / budget).toBeLessThanOrEqual(SHIFT_TOLERANCE);
    expect(sgs.last?.shift).toBeCloseTo(solveShift(Float32Array.from(alpha0), counts, budget).shift, 12); // alpha as the device holds it
  });
});
