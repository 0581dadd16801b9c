import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { CheckpointError } from "../errors/s3pet-error.js";
import { assignWeights } from "./assign-weights.js";
import { kaimingUniformVariable, normalVariable, onesVariable, zerosVariable } from "./variable-init.js";

describe("variable initialisers", () => {
  it("create trainable variables that leave no other tensor alive and have unique names", () => {
    const before = tf.memory().numTensors;
    const a = zerosVariable("site#m/w", [2, 3]);
    const b = zerosVariable("site#m/w", [2, 3]);
    const c = onesVariable("site#m/l", [4]);
    expect(tf.memory().numTensors).toBe(before + 3);
    expect(a.trainable).toBe(true);
    expect(a.name).not.toBe(b.name);
    expect(a.name.startsWith("site#m/w")).toBe(true);
    expect(Array.from(a.dataSync())).toEqual([0, 0, 0, 0, 0, 0]);
    expect(Array.from(c.dataSync())).toEqual([1, 1, 1, 1]);
    tf.dispose([a, b, c]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it("kaiming-uniform is seeded and bounded by 1/sqrt(fanIn)", () => {
    const a = kaimingUniformVariable("A", [64, 8], 64, 7);
    const b = kaimingUniformVariable("A", [64, 8], 64, 7);
    const c = kaimingUniformVariable("A", [64, 8], 64, 8);
    const va = a.dataSync();
    expect(Array.from(b.dataSync())).toEqual(Array.from(va));
    expect(Array.from(c.dataSync())).not.toEqual(Array.from(va));
    const max = Math.max(...Array.from(va, Math.abs));
    expect(max).toBeLessThanOrEqual(1 / 8);
    expect(max).toBeGreaterThan(0.1); // 512 draws from U(-1/8, 1/8) reach near the bound
    tf.dispose([a, b, c]);
  });

  it("normal is seeded with the requested spread", () => {
    const a = normalVariable("P", [1000], 0.02, 3);
    const b = normalVariable("P", [1000], 0.02, 3);
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    const v = Array.from(a.dataSync());
    const std = Math.sqrt(v.reduce((s, x) => s + x * x, 0) / v.length);
    expect(std).toBeGreaterThan(0.017);
    expect(std).toBeLessThan(0.023);
    tf.dispose([a, b]);
  });
});

describe("assignWeights", () => {
  it("copies matching tensors and names the weight on a mismatch", () => {
    const w = { lora_A: zerosVariable("A", [2, 2]), lora_B: zerosVariable("B", [2]) };
    const good = { lora_A: tf.ones([2, 2]), lora_B: tf.tensor1d([3, 4]) };
    assignWeights("lora@q", w, good);
    expect(Array.from(w.lora_B.dataSync())).toEqual([3, 4]);
    const wrongShape = { lora_A: tf.ones([2, 3]), lora_B: tf.ones([2]) };
    expect(() => assignWeights("lora@q", w, wrongShape)).toThrow("lora@q: weight 'lora_A' expected [2,2], got [2,3]");
    expect(() => assignWeights("lora@q", w, { lora_A: good.lora_A })).toThrow("lora@q: missing weight 'lora_B' in the saved module");
    expect(() => assignWeights("lora@q", w, { ...good, extra: good.lora_B })).toThrow(CheckpointError);
    expect(Array.from(w.lora_A.dataSync())).toEqual([1, 1, 1, 1]); // failed loads change nothing
    tf.dispose([...Object.values(w), ...Object.values(good), ...Object.values(wrongShape)]);
  });
});
