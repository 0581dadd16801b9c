import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { installKernelFixes } from "../install-kernel-fixes.js";
import { runOnBackend } from "../run-on-backend.js";

// Deterministic, non-symmetric data; no RNG needed.
const data = (shape: number[], phase: number) => Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(0.7 * i + phase));

interface MatMulCase {
  readonly name: string;
  readonly a: number[];
  readonly b: number[];
  readonly transposeA?: boolean;
  readonly transposeB?: boolean;
}

const cases: MatMulCase[] = [
  { name: "2-D", a: [5, 4], b: [4, 3] },
  { name: "2-D, a^T", a: [4, 5], b: [4, 3], transposeA: true },
  { name: "2-D, b^T", a: [5, 4], b: [3, 4], transposeB: true },
  { name: "2-D, a^T b^T", a: [4, 5], b: [3, 4], transposeA: true, transposeB: true },
  { name: "3-D x 2-D (x[B,T,H]·W)", a: [2, 3, 4], b: [4, 6] },
  { name: "3-D x 2-D, b^T", a: [2, 3, 4], b: [6, 4], transposeB: true },
  { name: "3-D^T x 3-D (weight gradient shape)", a: [2, 4, 3], b: [2, 4, 5], transposeA: true },
  { name: "batched x batched", a: [3, 4, 5], b: [3, 5, 2] },
  { name: "attention scores [B*h,T,d]x[B*h,T,d]^T", a: [6, 7, 4], b: [6, 7, 4], transposeB: true },
  { name: "attention values [B*h,T,T]x[B*h,T,d]", a: [6, 7, 7], b: [6, 7, 4] },
  { name: "rank 4 [B,h,T,d]x[B,h,T,d]^T", a: [2, 3, 5, 4], b: [2, 3, 5, 4], transposeB: true },
  { name: "2-D x batched (broadcast a)", a: [3, 4], b: [2, 4, 5] },
  { name: "general broadcast [2,1,3,4]x[1,3,4,5]", a: [2, 1, 3, 4], b: [1, 3, 4, 5] },
  { name: "empty rows", a: [0, 4], b: [4, 3] },
  // One operand much smaller: the fix transposes it and the output instead of the big operand.
  { name: "2-D a^T, narrow b (LoRA gradient x^T g), swapped", a: [12, 9], b: [12, 2], transposeA: true },
  { name: "2-D b^T, short a, swapped", a: [2, 9], b: [12, 9], transposeB: true },
  { name: "3-D^T x 3-D, narrow b, swapped", a: [2, 8, 6], b: [2, 8, 1], transposeA: true },
  { name: "3-D^T x 2-D narrow b (broadcast), swapped", a: [2, 8, 6], b: [8, 1], transposeA: true },
  { name: "2-D x 3-D^T (broadcast a), swapped", a: [3, 9], b: [2, 12, 9], transposeB: true },
];

/** matMul output and the gradients of sum(out * weights) w.r.t. a and b, as plain arrays. */
function matMulWithGradients(c: MatMulCase) {
  return tf.tidy(() => {
    const a = tf.tensor(data(c.a, 0.1), c.a);
    const b = tf.tensor(data(c.b, 0.5), c.b);
    const out = tf.matMul(a, b, c.transposeA, c.transposeB);
    const weights = tf.tensor(data(out.shape, 1.3), out.shape);
    const [da, db] = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(tf.matMul(x, y, c.transposeA, c.transposeB), weights)))([a, b]);
    return { shape: out.shape, out: Array.from(out.dataSync()), da: Array.from(da!.dataSync()), db: Array.from(db!.dataSync()) };
  });
}

function expectClose(actual: number[], expected: number[], tolerance = 1e-5) {
  expect(actual.length).toBe(expected.length);
  const worst = actual.reduce((m, v, i) => Math.max(m, Math.abs(v - expected[i]!)), 0);
  expect(worst).toBeLessThan(tolerance);
}

describe("wasm BatchMatMul fix", () => {
  beforeAll(async () => {
    await tf.setBackend("wasm");
    installKernelFixes();
  });

  it.each(cases)("$name: values and gradients match the cpu backend", async (c) => {
    const wasm = await runOnBackend("wasm", () => matMulWithGradients(c));
    const cpu = await runOnBackend("cpu", () => matMulWithGradients(c));
    expect(wasm.shape).toEqual(cpu.shape);
    expectClose(wasm.out, cpu.out);
    expectClose(wasm.da, cpu.da);
    expectClose(wasm.db, cpu.db);
  });

  it("leaves no tensor and no wasm buffer behind, and keeps its operands intact", async () => {
    await runOnBackend("wasm", () => {
      const a = tf.tensor(data([6, 7, 4], 0.2), [6, 7, 4]);
      const b = tf.tensor(data([6, 7, 4], 0.9), [6, 7, 4]);
      const tensors = tf.memory().numTensors;
      const buffers = tf.backend().numDataIds();
      const first = tf.tidy(() => Array.from(tf.matMul(a, b, false, true).dataSync()));
      for (const c of cases) matMulWithGradients(c);
      const again = tf.tidy(() => Array.from(tf.matMul(a, b, false, true).dataSync()));
      expect(tf.memory().numTensors).toBe(tensors);
      expect(tf.backend().numDataIds()).toBe(buffers);
      expect(again).toEqual(first);
      expectClose(Array.from(a.dataSync()), data([6, 7, 4], 0.2), 1e-7);
      tf.dispose([a, b]);
    });
  });

  it("does not grow the wasm heap over many batched matmuls (aliases release XNNPACK's cached operators)", async () => {
    await runOnBackend("wasm", () => {
      const heapBytes = () => (tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8.length;
      // Large b slices, tiny a rows: each slice's XNNPACK operator packs 256 KB of weights.
      const [a, b] = [tf.ones([8, 1, 256]), tf.ones([8, 256, 256])];
      const step = () => tf.tidy(() => tf.matMul(a, b).dataSync());
      for (let i = 0; i < 3; i++) step();
      const before = heapBytes();
      for (let i = 0; i < 30; i++) step(); // leaked operators would hold 30 * 8 * 256 KB = 60 MB
      expect(heapBytes()).toBe(before);
      tf.dispose([a, b]);
    });
  });

  it("keeps no packed copy of a plain matmul's right operand (a frozen weight exists once in the heap)", async () => {
    await runOnBackend("wasm", () => {
      const heapBytes = () => (tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8.length;
      const x = tf.ones([2, 512]);
      const weights = Array.from({ length: 48 }, (_, i) => tf.fill([512, 512], i / 48)); // 48 MiB, alive throughout
      tf.tidy(() => tf.matMul(x, weights[0]!).dataSync());
      const before = heapBytes();
      const out = tf.tidy(() => weights.map((w) => tf.matMul(x, w).dataSync()[0]!));
      // XNNPACK's cached operators would hold a packed copy of every weight: 48 MiB more.
      expect(heapBytes() - before).toBeLessThan(16 * 2 ** 20);
      expectClose(out, weights.map((_, i) => 512 * (i / 48)), 1e-2);
      tf.dispose([x, ...weights]);
    });
  });

  it("computes a tiny attention block's gradients like the cpu backend", async () => {
    // [B*h, T, d] queries/keys/values through softmax(q k^T / sqrt(d)) v, the shapes a BERT layer uses.
    const attention = () =>
      tf.tidy(() => {
        const [BH, T, d] = [4, 5, 3];
        const q = tf.tensor(data([BH, T, d], 0.3), [BH, T, d]);
        const k = tf.tensor(data([BH, T, d], 1.1), [BH, T, d]);
        const v = tf.tensor(data([BH, T, d], 2.0), [BH, T, d]);
        const w = tf.tensor(data([BH, T, d], 2.7), [BH, T, d]);
        const loss = (q: tf.Tensor, k: tf.Tensor, v: tf.Tensor) =>
          tf.sum(tf.mul(tf.matMul(tf.softmax(tf.div(tf.matMul(q, k, false, true), Math.sqrt(d))), v), w));
        return tf.grads(loss)([q, k, v]).map((g) => Array.from(g.dataSync()));
      });
    const wasm = await runOnBackend("wasm", attention);
    const cpu = await runOnBackend("cpu", attention);
    wasm.forEach((g, i) => expectClose(g, cpu[i]!));
  });
});
