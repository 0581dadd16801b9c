import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { installKernelFixes } from "../install-kernel-fixes.js";
import { runOnBackend } from "../run-on-backend.js";

const data = (shape: number[], phase: number) => Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => Math.cos(0.37 * i + phase));
const values = (t: tf.Tensor) => Array.from(t.dataSync());
const maxAbsDiff = (x: number[], y: number[]) => x.reduce((m, v, i) => Math.max(m, Math.abs(v - y[i]!)), 0);

describe.each(["wasm", "cpu"])("BatchMatMul gradient fix on %s", (backend) => {
  beforeAll(() => {
    installKernelFixes();
  });

  it.each([false, true])("x[B,T,H]·W (transposeB=%s) has the gradients of the folded 2-D product", async (transposeB) => {
    const [B, T, H, O] = [2, 3, 4, 5];
    const wShape = transposeB ? [O, H] : [H, O];
    const [batched, folded] = await runOnBackend(backend, () =>
      tf.tidy(() => {
        const x = tf.tensor(data([B, T, H], 0), [B, T, H]);
        const w = tf.tensor(data(wShape, 1), wShape);
        const probe = tf.tensor(data([B * T, O], 2), [B * T, O]);
        const lossBatched = (x: tf.Tensor, w: tf.Tensor) => tf.sum(tf.mul(tf.reshape(tf.matMul(x, w, false, transposeB), [B * T, O]), probe));
        const lossFolded = (x: tf.Tensor, w: tf.Tensor) => tf.sum(tf.mul(tf.matMul(tf.reshape(x, [B * T, H]), w, false, transposeB), probe));
        return [tf.grads(lossBatched)([x, w]), tf.grads(lossFolded)([x, w])].map((gs) => gs.map((g) => ({ shape: g.shape, v: values(g) })));
      }),
    );
    expect(batched![0]!.shape).toEqual([B, T, H]);
    expect(batched![1]!.shape).toEqual(wShape);
    batched!.forEach((g, i) => expect(maxAbsDiff(g.v, folded![i]!.v)).toBeLessThan(1e-5));
  });

  it("a 2-D a broadcast over b's batch gets the sum of its per-slice gradients", async () => {
    const [batch, M, K, N] = [3, 2, 4, 5];
    const [broadcast, tiled] = await runOnBackend(backend, () =>
      tf.tidy(() => {
        const a = tf.tensor(data([M, K], 0), [M, K]);
        const b = tf.tensor(data([batch, K, N], 1), [batch, K, N]);
        const probe = tf.tensor(data([batch, M, N], 2), [batch, M, N]);
        const viaBroadcast = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.matMul(a, b), probe)))(a);
        const viaTile = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.matMul(tf.tile(tf.expandDims(a, 0), [batch, 1, 1]), b), probe)))(a);
        return [viaBroadcast, viaTile].map((g) => ({ shape: g.shape, v: values(g) }));
      }),
    );
    expect(broadcast!.shape).toEqual([M, K]);
    expect(maxAbsDiff(broadcast!.v, tiled!.v)).toBeLessThan(1e-5);
  });
});
