#!/usr/bin/env node
// Writes test-fixtures/search-run/events.jsonl: the event stream of a small, realistic S3PET search
// (40 candidates = 4 layers x {lora q/k/v, adapter attn/ffn, bitfit q/v/ffn.in/ffn.out, prefix}),
// search -> discretize -> retrain -> test. Deterministic (seeded); regenerate with
//   node packages/dashboard/test-fixtures/make-search-run.mjs
// The gates follow the shifted global sigmoid (docs/METHOD.md §3): p_i = sigmoid(alpha_i - b) with b solved so
// that sum n_i p_i = budget, and the structure is the greedy first-fit of §6, as the engine computes them.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { mulberry32 } from "../../../tools/seeded.mjs";

const outDir = join(dirname(new URL(import.meta.url).pathname), "search-run");

const rand = mulberry32(7);
const noise = () => (rand() - 0.5) * 2;

const H = 256, FFN = 1024, RANK = 8, BOTTLENECK = 16, PREFIX_LEN = 8;
const layers = [0, 1, 2, 3];
const kinds = [
  { method: "lora", position: "attention.self.query", options: { rank: RANK, alpha: 16 }, params: RANK * (H + H) },
  { method: "lora", position: "attention.self.key", options: { rank: RANK, alpha: 16 }, params: RANK * (H + H) },
  { method: "lora", position: "attention.self.value", options: { rank: RANK, alpha: 16 }, params: RANK * (H + H) },
  { method: "adapter", position: "attention.output", options: { bottleneck: BOTTLENECK }, params: 2 * H * BOTTLENECK + BOTTLENECK + H },
  { method: "adapter", position: "output", options: { bottleneck: BOTTLENECK }, params: 2 * H * BOTTLENECK + BOTTLENECK + H },
  { method: "bitfit", position: "attention.self.query", options: {}, params: H },
  { method: "bitfit", position: "attention.self.value", options: {}, params: H },
  { method: "bitfit", position: "intermediate.dense", options: {}, params: FFN },
  { method: "bitfit", position: "output.dense", options: {}, params: H },
  { method: "prefix", position: "attention", options: { length: PREFIX_LEN }, params: 2 * PREFIX_LEN * H },
];
const candidates = [];
for (const kind of kinds)
  for (const layer of layers) {
    const site = `encoder.layer.${layer}.${kind.position}`;
    candidates.push({ key: `${site}#${kind.method}`, site, method: kind.method, layer, position: kind.position, options: kind.options, params: kind.params });
  }

const budget = 20000;
const backboneParams = 11_170_560;
const sigmoid = (x) => 1 / (1 + Math.exp(-x));
function solveShift(alpha) {
  const soft = (b) => candidates.reduce((s, c, i) => s + c.params * sigmoid(alpha[i] - b), 0);
  let lo = -50, hi = 50;
  for (let k = 0; k < 200; k++) {
    const mid = (lo + hi) / 2;
    if (soft(mid) > budget) lo = mid;
    else hi = mid;
  }
  const b = (lo + hi) / 2;
  return { b, p: alpha.map((a) => sigmoid(a - b)), soft: soft(b) };
}
function discretizeGreedy(p) {
  const order = p.map((_, i) => i).sort((i, j) => p[j] - p[i] || i - j);
  let left = budget;
  const chosen = [];
  for (const i of order) if (candidates[i].params <= left) { chosen.push(i); left -= candidates[i].params; }
  return chosen;
}
// Where the search drifts: lora on value in the upper layers, the FFN adapter of layer 3, a few biases.
const pull = candidates.map((c) =>
  c.method === "lora" && c.position === "attention.self.value" && c.layer >= 2 ? 0.035
  : c.method === "adapter" && c.position === "output" && c.layer === 3 ? 0.03
  : c.method === "bitfit" && c.position === "intermediate.dense" ? 0.022
  : c.method === "prefix" && c.layer === 0 ? 0.006
  : -0.012 - 0.004 * (c.layer ?? 0));

const events = [];
let time = Date.UTC(2026, 0, 1, 12, 0, 0);
const emit = (e) => events.push({ ...e, time: Math.round(time) });

emit({
  type: "run-start",
  run: {
    name: "search-20260101-120000", command: "search", outDir: "runs/search-20260101-120000", backbone: "s3pet-mini-bert (4x256)",
    task: "spam", metric: "accuracy", backend: "wasm", methods: ["lora", "adapter", "bitfit", "prefix"], budget, backboneParams, seed: 42,
  },
  candidates,
  resumed: false,
});
emit({ type: "log", level: "info", message: "task spam: 1500 train (750 W / 750 A), 300 validation, 600 test; majority baseline 0.560" });

let best = -Infinity;
/** A validation eval, and a checkpoint when it beats the phase's best so far. */
function validate(phase, step, score, loss) {
  const isBest = score > best;
  best = Math.max(best, score);
  emit({ type: "eval", phase, step, split: "validation", metric: "accuracy", score, loss, best: isBest });
  if (isBest) emit({ type: "checkpoint", phase, step, path: `runs/search-20260101-120000/checkpoints/${phase}-step-${step}` });
}

const searchSteps = 200, evalEvery = 50, gatesEvery = 10;
let alpha = candidates.map(() => 0);
time += 800;
emit({ type: "phase", phase: "search", totalSteps: searchSteps });
for (let step = 1; step <= searchSteps; step++) {
  time += 110 + rand() * 30;
  alpha = alpha.map((a, i) => a + pull[i] + 0.01 * noise());
  const progress = step / searchSteps;
  emit({
    type: "step", phase: "search", step, totalSteps: searchSteps,
    loss: 0.69 * Math.exp(-2.2 * progress) + 0.12 + 0.05 * noise(),
    alphaLoss: 0.7 * Math.exp(-1.8 * progress) + 0.16 + 0.06 * noise(),
    lr: 3e-4 * (1 - progress), tokensPerSecond: Math.round(5200 + 300 * noise()),
  });
  if (step % gatesEvery === 0) {
    const { b, p, soft } = solveShift(alpha);
    emit({ type: "gates", step, p, alpha });
    emit({ type: "budget", step, budget, soft, shift: b });
  }
  if (step === 120) emit({ type: "log", level: "warn", message: "gradient norm clipped on 12% of alpha steps (clip 2.0)", source: "core:search" });
  if (step % evalEvery === 0) {
    time += 900;
    const score = 0.62 + 0.3 * (1 - Math.exp(-3 * progress)) + 0.01 * noise();
    validate("search", step, score, 0.6 - 0.35 * progress);
  }
}
const { p: finalP } = solveShift(alpha);
time += 300;
emit({ type: "phase", phase: "discretize", totalSteps: 0 });
const chosen = discretizeGreedy(finalP);
const structure = chosen.map((i) => ({ site: candidates[i].site, method: candidates[i].method, options: candidates[i].options, params: candidates[i].params }));
emit({ type: "structure", structure, budget, chosenParams: structure.reduce((s, m) => s + m.params, 0) });
time += 400;
emit({ type: "eval", phase: "search", step: searchSteps, split: "test", metric: "accuracy", score: 0.905, loss: 0.27, best: false });

const retrainSteps = 150;
time += 600;
emit({ type: "phase", phase: "retrain", totalSteps: retrainSteps });
best = -Infinity;
for (let step = 1; step <= retrainSteps; step++) {
  time += 70 + rand() * 20;
  const progress = step / retrainSteps;
  emit({
    type: "step", phase: "retrain", step, totalSteps: retrainSteps,
    loss: 0.7 * Math.exp(-3 * progress) + 0.08 + 0.04 * noise(), lr: 3e-4 * (1 - progress), tokensPerSecond: Math.round(8100 + 400 * noise()),
  });
  if (step === 90) emit({ type: "error", message: "checkpoint write retried: EBUSY on runs/search-20260101-120000/checkpoints/retrain-step-90", fatal: false });
  if (step % 50 === 0) {
    time += 700;
    const score = 0.7 + 0.24 * (1 - Math.exp(-3.5 * progress)) + 0.008 * noise();
    validate("retrain", step, score, 0.5 - 0.3 * progress);
  }
}
time += 300;
emit({ type: "phase", phase: "test", totalSteps: 0 });
time += 500;
emit({ type: "eval", phase: "test", step: retrainSteps, split: "test", metric: "accuracy", score: 0.9283, loss: 0.21, best: false });
const startTime = events[0].time;
time += 100;
emit({
  type: "run-end", status: "done", elapsedMs: Math.round(time) - startTime,
  scores: { supernet: { validation: 0.9117, test: 0.905 }, retrained: { validation: 0.9367, test: 0.9283 }, majorityBaseline: { test: 0.56 } },
});

mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, "events.jsonl"), events.map((e) => JSON.stringify(e)).join("\n") + "\n");
process.stdout.write(`wrote ${events.length} events to ${join(outDir, "events.jsonl")}\n`);
