import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { AdamW, warmupLinearDecay } from "./adam-w.js";

describe("AdamW", () => {
  it("takes sign-sized first steps, decays only the decayed parameters, and clips the global norm", () => {
    const w = tf.variable(tf.tensor1d([1, 2]));
    const b = tf.variable(tf.tensor1d([3]));
    const adam = new AdamW([w, b], [true, false], { weightDecay: 0.1, maxGradNorm: 1, epsilon: 1e-12 });
    const grads = [tf.tensor1d([3, -4]), tf.tensor1d([0])]; // norm 5 -> scaled by 1/5
    const { gradNorm } = adam.apply(grads, 0.01);
    expect(gradNorm).toBeCloseTo(5, 5);
    // step 1: m_hat = g, v_hat = g^2 -> update = sign(g) (clipping does not change the sign)
    const wv = w.dataSync();
    expect(wv[0]).toBeCloseTo(1 - 0.01 * (1 + 0.1 * 1), 6);
    expect(wv[1]).toBeCloseTo(2 - 0.01 * (-1 + 0.1 * 2), 6);
    expect(b.dataSync()[0]).toBe(3); // zero gradient, not decayed
    const slots = adam.slots();
    expect(Object.keys(slots)).toEqual(["m.0", "v.0", "m.1", "v.1"]);
    expect(Array.from(slots["m.0"]!.dataSync()).map((x) => +x.toFixed(6))).toEqual([0.06, -0.08]); // (1-0.9) * g/5
    tf.dispose([...grads, w, b]);
    adam.dispose();
  });

  it("keeps the tensor count flat across steps", () => {
    const w = tf.variable(tf.randomNormal([4, 3], 0, 1, "float32", 1));
    const adam = new AdamW([w], [true]);
    const step = () => tf.tidy(() => {
      const { grads } = tf.variableGrads(() => tf.sum(tf.square(w)) as tf.Scalar, [w]);
      adam.apply([grads[w.name]!], 0.1);
    });
    step();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) step();
    expect(tf.memory().numTensors).toBe(before);
    adam.dispose();
    w.dispose();
  });
});

describe("warmupLinearDecay", () => {
  it("rises linearly to the peak over the warmup, then falls linearly to 0 at the last step", () => {
    expect(warmupLinearDecay(0, 1, 4, 10)).toBeCloseTo(0.25);
    expect(warmupLinearDecay(3, 1, 4, 10)).toBeCloseTo(1);
    expect(warmupLinearDecay(4, 1, 4, 10)).toBeCloseTo(1);
    expect(warmupLinearDecay(7, 1, 4, 10)).toBeCloseTo(0.5);
    expect(warmupLinearDecay(10, 1, 4, 10)).toBe(0);
  });
});
