#!/usr/bin/env node
// @ts-check
// Where one training step's memory goes, for calibrating a backbone's memory profile (docs/MEMORY.md):
// one Replica (the engine's unit of data parallelism) on a checkpoint, one gradient of a micro-batch,
// in this process. Counts the wasm backend's real allocations (each buffer once, however many tensors
// share it, unlike tfjs's numBytes): the weights and model, the bytes the tape keeps at the start of
// the backward pass, the step's peak above the model (peak - kept = the workspace), and the wasm heap
// after the step (its high-water mark, with allocator holes and growth), next to the plan's terms.
// Run after a build:  nice -n 10 node tools/bench/memory/step-memory.mjs --model bert-base --structure search --wrt alpha
// --model: embedded, a shape of shaped-checkpoint.mjs (bert-base, roberta-base, bert-large) or a directory;
// --structure lora|search; --wrt weights|alpha (search: the weight step or the structure step);
// --micro-batch 8; --max-length 128.
import "reflect-metadata";
import { createRequire } from "node:module";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { ensureShapedCheckpoint, SHAPES } from "./shaped-checkpoint.mjs";

const ROOT = new URL("../../..", import.meta.url).pathname;
const require = createRequire(join(ROOT, "packages/cli/package.json"));
const core = await import(join(ROOT, "packages/core/dist/index.js"));
const { workerDeps } = await import(join(ROOT, "packages/cli/dist/run/prepare-run.js"));
const { runMemoryPlan } = await import(join(ROOT, "packages/cli/dist/run/run-memory-plan.js"));
const { loadPretrained } = await import(join(ROOT, "packages/models/dist/index.js"));

const { values } = parseArgs({
  options: {
    model: { type: "string", default: "embedded" },
    structure: { type: "string", default: "lora" },
    wrt: { type: "string", default: "weights" },
    "micro-batch": { type: "string", default: "8" },
    "max-length": { type: "string", default: "128" },
  },
});
const m = Number(values["micro-batch"]);
const T = Number(values["max-length"]);
const search = values.structure === "search";
const modelDir = values.model === "embedded" ? join(ROOT, "assets/backbone") : values.model in SHAPES ? await ensureShapedCheckpoint(/** @type {never} */ (values.model)) : values.model;

await core.initBackend();
const tf = require("@tensorflow/tfjs");
const backend = /** @type {any} */ (tf.engine().backend);

// Real allocations: a buffer counts from its allocation (move) until the backend frees it.
const live = new Map();
let bytes = 0;
let peak = 0;
const move = backend.move.bind(backend);
const disposeData = backend.disposeData.bind(backend);
backend.move = (/** @type {any[]} */ ...args) => {
  const size = args[2].reduce((/** @type {number} */ a, /** @type {number} */ b) => a * b, 1) * 4;
  live.set(args[0], size);
  bytes += size;
  peak = Math.max(peak, bytes);
  return move(...args);
};
backend.disposeData = (/** @type {any} */ dataId, /** @type {boolean} */ force) => {
  const freed = disposeData(dataId, force);
  if (freed && live.has(dataId)) {
    bytes -= live.get(dataId);
    live.delete(dataId);
  }
  return freed;
};

const deps = await workerDeps({ modelDir, task: "spam", taskOptions: { seed: 42, maxExamples: Math.max(32, m) }, methods: null, maxLength: T });
const loaded = loadPretrained(modelDir);
const planned = { params: loaded.model.paramCount(), hiddenSize: loaded.model.hiddenSize, sites: loaded.model.sites(), memory: loaded.model.memoryProfile() };
loaded.model.dispose();
const candidates = search
  ? core.SearchSpace.build(planned.sites, deps.methods).candidates
  : core.resolveStructure({ kind: "preset", name: "lora" }, planned.sites, deps.methods, { seed: 0, include: [], exclude: [], methodOptions: {} }, null).candidates;
const gates = search ? { budget: Math.round(planned.params / 1000), temperature: 1, shiftGradient: "implicit", hardGates: false } : null;
const replica = new core.Replica(deps, { seed: 1, seedLabels: { head: "bench:head", init: "bench:init" }, candidates: candidates.map(core.candidateRef), full: false, gates });

// Kept at the start of the backward pass: the buffers allocated since the step began and still alive.
const model = bytes;
const before = new Set(live.keys());
let kept = null;
const engine = /** @type {any} */ (tf.engine());
const tidy = engine.tidy;
engine.tidy = function (/** @type {unknown} */ name, /** @type {unknown} */ fn) {
  if (name === "backward" && kept === null) kept = [...live].filter(([id]) => !before.has(id)).reduce((s, [, n]) => s + n, 0);
  return tidy.call(engine, name, fn);
};
peak = bytes;
const examples = Array.from({ length: m }, (_, i) => i);
const rng = new core.SeededRng(1);
const C = replica.alpha?.size ?? 0;
const g = replica.gradients({ examples, batchSize: m, noise: C ? core.drawGateNoise(C, () => rng.next()) : null, wrt: search ? values.wrt : "weights", step: 1, pass: 0, where: "step-memory" });
tf.dispose(Object.values(g.grads));
engine.tidy = tidy;

const plan = runMemoryPlan(planned, "wasm", { candidates, gated: search, full: false, batchSize: m, length: T, numLabels: 2 });
const MiB = 2 ** 20;
const mib = (/** @type {number | null} */ b) => (b === null ? null : Math.round(b / MiB));
const stepPeak = peak - model;
console.log(
  JSON.stringify({
    model: values.model,
    structure: values.structure,
    wrt: search ? values.wrt : "weights",
    microBatch: m,
    length: T,
    tokens: m * deps.task.train.batch(examples).length,
    measuredMiB: { model: mib(model), kept: mib(kept), stepPeak: mib(stepPeak), workspace: kept === null ? null : mib(stepPeak - kept), heap: mib(backend.wasm.HEAPU8.length) },
    planMiB: plan && { weights: mib(plan.weights), activations: mib(plan.activations), workspace: mib(plan.workspace), optimiser: mib(plan.optimiser), perWorker: mib(plan.perWorker) },
  }),
);
replica.dispose();
