#!/usr/bin/env node
// @ts-check
// Matmul benchmark (not a test): GFLOP/s of the matmuls one training step of a 4-layer, hidden-256 BERT
// runs (batch 16 x seq 64 = 1024 tokens, 4 heads of 64, FFN 1024), on the stock tfjs kernels and with
// S3PET's kernel fixes, so the gain is on record (docs/BENCHMARKS.md). Needs a built core:
//   npx nx run @s3pet/core:build && node tools/bench/matmul.mjs [--out file.json] [--markdown] [--quick]
// JSON goes to stdout (and to --out); --markdown also prints the table for docs/BENCHMARKS.md to stderr.
import { cpus } from "node:os";
import { parseArgs } from "node:util";
import * as tf from "@tensorflow/tfjs";
import { initBackend, installKernelFixes, measureMatmulGflops, removeKernelFixes, writeJsonAtomic } from "@s3pet/core";

const { values: flags } = parseArgs({
  options: { out: { type: "string" }, markdown: { type: "boolean" }, quick: { type: "boolean" } },
  strict: true,
});

const [B, T, H, heads, F] = [16, 64, 256, 4, 1024]; // batch, tokens, hidden, heads, FFN width
const N = B * T; // token rows
const BH = B * heads; // attention batch
const d = H / heads; // head dim

/** Every matmul kind of the step: forward, both gradients, 3-D input, attention. */
const CASES = [
  { name: "x·W (q/k/v/o forward)", a: [N, H], b: [H, H] },
  { name: "x·W FFN in", a: [N, H], b: [H, F] },
  { name: "x·W FFN out", a: [N, F], b: [F, H] },
  { name: "dX = dY·Wᵀ", a: [N, H], b: [H, H], transposeB: true },
  { name: "dX = dY·Wᵀ FFN out", a: [N, H], b: [F, H], transposeB: true },
  { name: "dW = Xᵀ·dY", a: [N, H], b: [N, H], transposeA: true },
  { name: "dW = Xᵀ·dY FFN in", a: [N, H], b: [N, F], transposeA: true },
  { name: "3-D x[B,T,H]·W", a: [B, T, H], b: [H, H] },
  { name: "attention scores q·kᵀ [B*h,T,d]", a: [BH, T, d], b: [BH, T, d], transposeB: true },
  { name: "attention values p·v [B*h,T,T]", a: [BH, T, T], b: [BH, T, d] },
  { name: "attention grad dV = pᵀ·dO", a: [BH, T, T], b: [BH, T, d], transposeA: true },
];

const timing = flags.quick ? { minRuns: 3, minMs: 50, warmupRuns: 1 } : { minRuns: 9, minMs: 1500, warmupRuns: 3 };

const backend = await initBackend();
const results = [];
for (const c of CASES) {
  removeKernelFixes();
  const stock = measureMatmulGflops(c, timing);
  const stockValues = product(c);
  installKernelFixes();
  const fixed = measureMatmulGflops(c, timing);
  const fixedValues = product(c);
  const maxAbsDiff = stockValues.reduce((m, v, i) => Math.max(m, Math.abs(v - fixedValues[i])), 0);
  results.push({ ...c, transposeA: c.transposeA ?? false, transposeB: c.transposeB ?? false, stock, fixed, speedup: fixed.gflops / stock.gflops, maxAbsDiff });
  process.stderr.write(`${c.name}: stock ${stock.gflops.toFixed(2)} -> fixed ${fixed.gflops.toFixed(2)} GFLOP/s\n`);
}

const report = {
  command: `node tools/bench/matmul.mjs ${process.argv.slice(2).join(" ")}`.trim(),
  date: new Date().toISOString(),
  machine: { cpu: cpus()[0]?.model ?? "unknown", cores: cpus().length, node: process.versions.node },
  backend: { name: backend.name, simd: backend.simd, threads: backend.threads, tfjs: backend.versions.tfjs },
  timing,
  results,
};
process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
if (flags.out) writeJsonAtomic(flags.out, report);
if (flags.markdown) process.stderr.write(`\n${markdownTable(results)}\n`);

/** The product's values (deterministic inputs), to check the fixed kernel against the stock one. */
function product({ a, b, transposeA = false, transposeB = false }) {
  return tf.tidy(() => {
    const x = tf.randomNormal(a, 0, 1, "float32", 3);
    const y = tf.randomNormal(b, 0, 1, "float32", 4);
    return Array.from(tf.matMul(x, y, transposeA, transposeB).dataSync());
  });
}

/** @param {typeof results} rows */
function markdownTable(rows) {
  const shape = (/** @type {number[]} */ s, /** @type {boolean} */ t) => `[${s.join(",")}]${t ? "ᵀ" : ""}`;
  return [
    "| matmul | a · b | stock GFLOP/s (ms) | fixed GFLOP/s (ms) | speed-up | max abs diff |",
    "|---|---|---|---|---|---|",
    ...rows.map(
      (r) =>
        `| ${r.name} | ${shape(r.a, r.transposeA)} · ${shape(r.b, r.transposeB)} | ${r.stock.gflops.toFixed(2)} (${r.stock.medianMs.toFixed(2)}) | ` +
        `${r.fixed.gflops.toFixed(2)} (${r.fixed.medianMs.toFixed(2)}) | ${r.speedup.toFixed(1)}x | ${r.maxAbsDiff.toExponential(1)} |`,
    ),
  ].join("\n");
}
