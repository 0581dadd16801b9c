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

  it("gelu's gradient is Phi(x) + x phi(x), and the backward pass keeps no more tensors than it should", () => {
    const grads = tf.tidy(() => Array.from(tf.grad((t: tf.Tensor) => tf.sum(activation("gelu")(t)))(tf.tensor1d(x)).dataSync()));
    const phi = (v: number) => Math.exp(-0.5 * v * v) / Math.sqrt(2 * Math.PI);
    const Phi = [0.0227501, 0.3085375, 0.5, 0.8413447, 0.9986501];
    grads.forEach((g, i) => expect(g).toBeCloseTo(Phi[i]! + x[i]! * phi(x[i]!), 5));
    // the same values as tfjs's autodiff of the plain formula
    const plain = (t: tf.Tensor) => tf.mul(tf.mul(t, 0.5), tf.add(tf.erf(tf.mul(t, Math.SQRT1_2)), 1));
    const auto = tf.tidy(() => Array.from(tf.grad((t: tf.Tensor) => tf.sum(plain(t)))(tf.tensor1d(x)).dataSync()));
    grads.forEach((g, i) => expect(g).toBeCloseTo(auto[i]!, 6));
    expect(apply("gelu")).toEqual(tf.tidy(() => Array.from(plain(tf.tensor1d(x)).dataSync()))); // forward to the bit
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
});
