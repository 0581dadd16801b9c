import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { installKernelFixes } from "../install-kernel-fixes.js";
import { runOnBackend } from "../run-on-backend.js";

const values = (t: tf.Tensor) => Array.from(t.dataSync());

describe("wasm UnsortedSegmentSum fix", () => {
  beforeAll(() => {
    installKernelFixes();
  });

  it("sums rows per segment, skipping out-of-range ids", async () => {
    const out = await runOnBackend("wasm", () =>
      tf.tidy(() => {
        const x = tf.tensor2d([[1, 2], [3, 4], [5, 6], [7, 8], [9, 10]]);
        const ids = tf.tensor1d([2, 0, 2, -1, 7], "int32");
        const s = tf.unsortedSegmentSum(x, ids, 3);
        return { shape: s.shape, v: values(s) };
      }),
    );
    expect(out.shape).toEqual([3, 2]);
    expect(out.v).toEqual([3, 4, 0, 0, 6, 8]);
  });

  it("keeps int32 data int32", async () => {
    const out = await runOnBackend("wasm", () =>
      tf.tidy(() => {
        const s = tf.unsortedSegmentSum(tf.tensor1d([1, 2, 3], "int32"), tf.tensor1d([1, 1, 0], "int32"), 2);
        return { dtype: s.dtype, v: values(s) };
      }),
    );
    expect(out).toEqual({ dtype: "int32", v: [3, 3] });
  });

  it("gives the gradient of gather (a trainable embedding) like the cpu backend, with 1-D and 2-D ids", async () => {
    const [V, H] = [6, 3];
    const table = Array.from({ length: V * H }, (_, i) => Math.sin(i));
    const gatherGradients = () =>
      tf.tidy(() =>
        [tf.tensor1d([1, 4, 1, 0, 4, 4], "int32"), tf.tensor2d([[5, 1, 1], [0, 0, 2]], [2, 3], "int32")].map((ids) => {
          const embedding = tf.tensor2d(table, [V, H]);
          const probe = tf.tensor(Array.from({ length: ids.size * H }, (_, i) => Math.cos(i)), [...ids.shape, H]);
          return values(tf.grad((e: tf.Tensor) => tf.sum(tf.mul(tf.gather(e, ids), probe)))(embedding));
        }),
      );
    const wasm = await runOnBackend("wasm", gatherGradients);
    const cpu = await runOnBackend("cpu", gatherGradients);
    // Reference for the 1-D case: row r of the gradient sums the probe rows of the positions that gathered r.
    const probe1 = (i: number, j: number) => Math.cos(i * H + j);
    const expectedRow4 = [0, 1, 2].map((j) => probe1(1, j) + probe1(4, j) + probe1(5, j));
    expect(wasm[0]!.slice(4 * H, 5 * H).map((v, j) => Math.abs(v - expectedRow4[j]!) < 1e-6)).toEqual([true, true, true]);
    expect(wasm[0]!.slice(2 * H, 3 * H)).toEqual([0, 0, 0]); // never gathered
    wasm.forEach((g, i) => g.forEach((v, j) => expect(v).toBeCloseTo(cpu[i]![j]!, 6)));
  });

  it("leaves no tensor and no wasm buffer behind", async () => {
    await runOnBackend("wasm", () => {
      const tensors = tf.memory().numTensors;
      const buffers = tf.backend().numDataIds();
      tf.tidy(() => tf.unsortedSegmentSum(tf.ones([4, 3]), tf.tensor1d([0, 1, 0, 1], "int32"), 2).dataSync());
      expect(tf.memory().numTensors).toBe(tensors);
      expect(tf.backend().numDataIds()).toBe(buffers);
    });
  });
});
