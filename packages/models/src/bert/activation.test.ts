import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { activation } from "./activation.js";

describe("activation", () => {
  const x = [-2, -0.5, 0, 1, 3];
  const apply = (name: Parameters<typeof activation>[0]) => tf.tidy(() => Array.from(activation(name)(tf.tensor1d(x)).dataSync()));

  it("gelu is the exact erf form: x * Phi(x)", () => {
    // Phi from the standard normal table: Phi(-2) = 0.0227501, Phi(-0.5) = 0.3085375, Phi(1) = 0.8413447, Phi(3) = 0.9986501
    const want = [-2 * 0.0227501, -0.5 * 0.3085375, 0, 0.8413447, 3 * 0.9986501];
    apply("gelu").forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 5));
  });

  it("gelu's forward is the plain formula to the bit, and its backward pass leaves no tensor behind", () => {
    const plain = (t: tf.Tensor) => tf.mul(tf.mul(t, 0.5), tf.add(tf.erf(tf.mul(t, Math.SQRT1_2)), 1));
    expect(apply("gelu")).toEqual(tf.tidy(() => Array.from(plain(tf.tensor1d(x)).dataSync())));
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      tf.grad((t: tf.Tensor) => tf.sum(activation("gelu")(t)))(tf.tensor1d(x));
    });
    expect(tf.memory().numTensors).toBe(before);
  });

  it("gelu_new, gelu_pytorch_tanh and gelu_fast are the tanh approximation, which differs from erf", () => {
    const tanhForm = x.map((v) => 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3))));
    for (const name of ["gelu_new", "gelu_pytorch_tanh", "gelu_fast"] as const) {
      apply(name).forEach((v, i) => expect(v).toBeCloseTo(tanhForm[i]!, 6));
    }
    const erf = apply("gelu");
    expect(Math.max(...apply("gelu_new").map((v, i) => Math.abs(v - erf[i]!)))).toBeGreaterThan(5e-5);
    expect(apply("relu")).toEqual([0, 0, 0, 1, 3]);
  });

  it("gelu's written-out derivatives match autodiff of the formulas", () => {
    const xs = tf.linspace(-5, 5, 41);
    const erfForm = (v: tf.Tensor) => tf.mul(tf.mul(v, 0.5), tf.add(tf.erf(tf.mul(v, Math.SQRT1_2)), 1));
    const tanhForm = (v: tf.Tensor) => tf.mul(tf.mul(v, 0.5), tf.add(tf.tanh(tf.mul(tf.add(v, tf.mul(tf.pow(v, 3), 0.044715)), Math.sqrt(2 / Math.PI))), 1));
    for (const [name, reference] of [["gelu", erfForm], ["gelu_new", tanhForm]] as const) {
      const ours = tf.grad((v: tf.Tensor) => tf.sum(activation(name)(v)))(xs).dataSync();
      const want = tf.grad((v: tf.Tensor) => tf.sum(reference(v)))(xs).dataSync();
      ours.forEach((g, i) => expect(g).toBeCloseTo(want[i]!, 5));
    }
    xs.dispose();
  });
});
