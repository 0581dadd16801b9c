import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { installKernelFixes } from "../install-kernel-fixes.js";
import { runOnBackend } from "../run-on-backend.js";

describe("wasm Identity and Cast fixes", () => {
  beforeAll(() => {
    installKernelFixes();
  });

  it("clone and same-dtype cast share the buffer, which outlives the original until the last reference goes", async () => {
    const out = await runOnBackend("wasm", () => {
      const buffers = tf.backend().numDataIds();
      const x = tf.tensor2d([[1, 2], [3, 4]]);
      const c = tf.clone(x);
      const f = tf.cast(x, "float32");
      const shared = tf.backend().numDataIds() - buffers; // 1: one buffer behind three tensors
      x.dispose();
      const afterOriginal = [Array.from(c.dataSync()), Array.from(f.dataSync())];
      c.dispose();
      f.dispose();
      return { shared, afterOriginal, left: tf.backend().numDataIds() - buffers };
    });
    expect(out.shared).toBe(1);
    expect(out.afterOriginal).toEqual([[1, 2, 3, 4], [1, 2, 3, 4]]);
    expect(out.left).toBe(0);
  });

  it("still converts a cast to another dtype", async () => {
    const out = await runOnBackend("wasm", () =>
      tf.tidy(() => {
        const i = tf.cast(tf.tensor1d([1.7, -2.2, 3]), "int32");
        return { dtype: i.dtype, v: Array.from(i.dataSync()), back: Array.from(tf.cast(i, "float32").dataSync()) };
      }),
    );
    expect(out).toEqual({ dtype: "int32", v: [1, -2, 3], back: [1, -2, 3] });
  });

  it("gives the same gradients as the cpu backend through ops that save their inputs, and leaks nothing", async () => {
    const step = () => {
      const buffers = tf.backend().numDataIds();
      const grads = tf.tidy(() => {
        const w = tf.variable(tf.tensor2d([0.5, -1, 2, 0.25, 1.5, -0.75], [3, 2]), true, "share-data-w");
        const x = tf.tensor2d([1, 2, 3, -1, 0.5, 2], [2, 3]);
        const { grads } = tf.variableGrads(() => tf.sum(tf.square(tf.tanh(tf.matMul(x, w)))) as tf.Scalar, [w]);
        const g = Array.from(grads[w.name]!.dataSync());
        w.dispose();
        return g;
      });
      return { grads, left: tf.backend().numDataIds() - buffers };
    };
    const wasm = await runOnBackend("wasm", step);
    const cpu = await runOnBackend("cpu", step);
    expect(wasm.left).toBe(0);
    wasm.grads.forEach((g, i) => expect(g).toBeCloseTo(cpu.grads[i]!, 5));
    expect(wasm.grads.some((g) => Math.abs(g) > 1e-3)).toBe(true);
  });
});
