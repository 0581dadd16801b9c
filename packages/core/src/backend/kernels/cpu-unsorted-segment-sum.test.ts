import * as tf from "@tensorflow/tfjs";
import { afterAll, describe, expect, it } from "vitest";
import { installKernelFixes, removeKernelFixes } from "../install-kernel-fixes.js";
import { runOnBackend } from "../run-on-backend.js";

const values = (t: tf.Tensor) => Array.from(t.dataSync());

/** Segment sums and a gather gradient, on the cpu backend with whatever kernel is registered. */
const segmentSums = () =>
  runOnBackend("cpu", () =>
    tf.tidy(() => {
      const x = tf.tensor2d(Array.from({ length: 7 * 3 }, (_, i) => Math.sin(i)), [7, 3]);
      const ids = tf.tensor1d([3, 0, 3, 1, 0, 3, 2], "int32");
      const embedding = tf.tensor2d(Array.from({ length: 5 * 3 }, (_, i) => i), [5, 3]);
      const gatherGrad = tf.grad((e: tf.Tensor) => tf.sum(tf.mul(tf.gather(e, ids), x)))(embedding);
      return { sum: values(tf.unsortedSegmentSum(x, ids, 5)), gatherGrad: values(gatherGrad), shape: gatherGrad.shape };
    }),
  );

describe("cpu UnsortedSegmentSum fix", () => {
  afterAll(() => {
    installKernelFixes();
  });

  it("matches the stock cpu kernel, values and gather gradient", async () => {
    removeKernelFixes();
    const stock = await segmentSums();
    installKernelFixes();
    const fixed = await segmentSums();
    expect(fixed.shape).toEqual([5, 3]);
    expect(fixed.sum.slice(12)).toEqual([0, 0, 0]); // segment 4 is empty
    fixed.sum.forEach((v, i) => expect(v).toBeCloseTo(stock.sum[i]!, 6));
    fixed.gatherGrad.forEach((v, i) => expect(v).toBeCloseTo(stock.gatherGrad[i]!, 6));
  });

  it("gives the gradient of a 20000-row embedding gather (the size the stock kernel cannot afford)", async () => {
    const rows = await runOnBackend("cpu", () =>
      tf.tidy(() => {
        const ids = tf.tensor1d([19999, 5, 5], "int32");
        const g = tf.grad((e: tf.Tensor) => tf.sum(tf.gather(e, ids)))(tf.zeros([20000, 2]));
        const v = g.dataSync();
        return [v[10], v[11], v[39998], v[39999], v[0]];
      }),
    );
    expect(rows).toEqual([2, 2, 1, 1, 0]);
  });

  it("leaves no tensor behind", async () => {
    await runOnBackend("cpu", () => {
      const tensors = tf.memory().numTensors;
      tf.tidy(() => tf.unsortedSegmentSum(tf.ones([4, 3]), tf.tensor1d([0, 1, 0, 1], "int32"), 2).dataSync());
      expect(tf.memory().numTensors).toBe(tensors);
    });
  });
});
