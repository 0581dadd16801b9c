import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { SeededRng } from "../random/seeded-rng.js";
import { drawGateNoise, sampleConcreteGates } from "./sample-concrete-gates.js";

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const logit = (p: number) => Math.log(p / (1 - p));

describe("sampleConcreteGates", () => {
  it("is sigmoid(logit p + logit u): z = p at u = 1/2, and finite at p = 0 or 1", () => {
    const p = [0.1, 0.5, 0.93, 0.3, 0, 1];
    const u = Float32Array.from([0.7, 0.2, 0.5, 0.5, 0.4, 0.4]);
    const z = tf.tidy(() => sampleConcreteGates(tf.tensor1d(p), u).dataSync());
    for (let i = 0; i < 4; i++) expect(z[i]).toBeCloseTo(sigmoid(logit(p[i]!) + logit(u[i]!)), 6);
    expect(z[2]).toBeCloseTo(0.93, 6);
    expect([z[4], z[5]]).toEqual([0, 1]);
  });

  it("draws one noise value per candidate from the seeded generator, inside (0, 1)", () => {
    const rng = new SeededRng(4);
    const u = drawGateNoise(1000, () => rng.next());
    expect(u.length).toBe(1000);
    expect(Math.min(...u)).toBeGreaterThan(0);
    expect(Math.max(...u)).toBeLessThan(1);
    const again = new SeededRng(4);
    expect(drawGateNoise(1000, () => again.next())).toEqual(u);
  });

  it("straight-through: hard 0/1 forward, the soft gate's gradient backward", () => {
    const p = tf.tensor1d([0.2, 0.8]);
    const u = Float32Array.from([0.5, 0.5]);
    const w = tf.tensor1d([1.5, -2]);
    const hard = tf.tidy(() => sampleConcreteGates(p, u, true).dataSync());
    expect(Array.from(hard)).toEqual([0, 1]);
    const gHard = tf.grad((q: tf.Tensor) => tf.sum(tf.mul(w, sampleConcreteGates(q as tf.Tensor1D, u, true))))(p).dataSync();
    const gSoft = tf.grad((q: tf.Tensor) => tf.sum(tf.mul(w, sampleConcreteGates(q as tf.Tensor1D, u, false))))(p).dataSync();
    expect(Array.from(gHard)).toEqual(Array.from(gSoft));
    expect(gSoft[0]).toBeCloseTo(1.5, 5); // dz/dp = 1 at u = 1/2
  });
});
