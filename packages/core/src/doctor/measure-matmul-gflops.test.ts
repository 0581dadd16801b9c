import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { matmulFlops, measureMatmulGflops } from "./measure-matmul-gflops.js";

describe("matmulFlops", () => {
  it("counts 2*M*N*K per broadcast batch, honouring transposes", () => {
    expect(matmulFlops([3, 4], [4, 5])).toBe(2 * 3 * 5 * 4);
    expect(matmulFlops([4, 3], [5, 4], true, true)).toBe(2 * 3 * 5 * 4);
    expect(matmulFlops([6, 3, 4], [4, 5])).toBe(6 * 2 * 3 * 5 * 4);
    expect(matmulFlops([2, 1, 3, 4], [1, 7, 4, 5])).toBe(14 * 2 * 3 * 5 * 4);
  });
});

describe("measureMatmulGflops", () => {
  it("times at least minRuns runs, reports consistent numbers and leaks nothing", () => {
    const tensors = tf.memory().numTensors;
    const t = measureMatmulGflops({ a: [32, 16], b: [24, 16], transposeB: true }, { minRuns: 3, minMs: 0, warmupRuns: 1 });
    expect(t.runs).toBe(3);
    expect(t.flops).toBe(2 * 32 * 24 * 16);
    expect(t.medianMs).toBeGreaterThan(0);
    expect(t.gflops).toBeCloseTo(t.flops / (t.medianMs * 1e6), 10);
    expect(tf.memory().numTensors).toBe(tensors);
  });
});
