#!/usr/bin/env node
// @ts-check
// One speed case in its own process (so its peak RSS is its own): times steps of the real engine on a
// synthetic fixed-shape task (every row `--seq` tokens, no padding) and prints one JSON object.
//   forward  the plain pretrained backbone + classification head, loss-free forward (no tape)
//   lora     runTrain with the `lora` preset (r=8 on query/value of every layer)   -> a training step
//   full     runTrain with structure `full` (backbone + head trainable)            -> a training step
//   search   runSearch over --methods on every site: the bi-level step (structure step on an A batch +
//            weight step on a W batch); the same run's re-training of the discretised structure gives
//            the `retrain` numbers.
// Step times come from the engine's own `step` events (performance.now() around the step only, so
// evaluation, checkpoints and data are outside); the first --warmup steps are dropped.
// Backend: S3PET_BACKEND (wasm | cpu), read by core's initBackend. --workers n: the engine's data-parallel
// units (main thread + n-1 worker threads; default 1); peak RSS then covers every worker's heap.
// --micro-batch-size m: each unit runs its shard in micro-batches of m (default: the whole shard; a
// bert-base search at 16 x 128 on one unit needs 8 to fit its heap, docs/MEMORY.md).
// --from-layer k (lora): LoRA only on the layers >= k, trained over 2-batch epochs, so from the second
// epoch on the layers below k come from the kept per-example outputs; --no-skip recomputes them every
// step (the backbone without hiddenAt), for comparison.
//   node tools/bench/speed/speed-case.mjs --case lora --model assets/backbone --seq 64 --batch 16 --reps 10
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import * as tf from "@tensorflow/tfjs";
import { initBackend, measureMatmulGflops, ROOFLINE_MATMUL_SIZE, runSearch, runTrain } from "@s3pet/core";
import { checkpointModelType, createClassificationHead, loadPretrained, loadT5Pretrained } from "@s3pet/models";
import { cpuMs, installKernelProfiler, installMatmulFlopCounter, summariseProfile } from "./kernel-profiler.mjs";
import { speedDeps, syntheticBatch } from "./synthetic-task.mjs";

const { values: flags } = parseArgs({
  options: {
    case: { type: "string" },
    model: { type: "string" },
    seq: { type: "string", default: "64" },
    batch: { type: "string", default: "16" },
    reps: { type: "string", default: "10" },
    warmup: { type: "string", default: "2" },
    methods: { type: "string" },
    budget: { type: "string", default: "0.1%" },
    workers: { type: "string", default: "1" },
    "micro-batch-size": { type: "string" },
    profile: { type: "boolean" },
    "from-layer": { type: "string" },
    "no-skip": { type: "boolean" },
  },
  strict: true,
});
const CASES = ["forward", "lora", "full", "search"];
if (!flags.case || !CASES.includes(flags.case)) throw new Error(`--case must be one of ${CASES.join(", ")}, got ${flags.case}`);
if (!flags.model) throw new Error("--model <dir> is required (a Hugging Face BERT directory)");
const seq = int(flags.seq, "--seq");
const batch = int(flags.batch, "--batch");
const reps = int(flags.reps, "--reps");
const warmup = Number(flags.warmup);
const workers = int(flags.workers, "--workers");
const microBatchSize = flags["micro-batch-size"] === undefined ? "auto" : int(flags["micro-batch-size"], "--micro-batch-size");
const modelDir = flags.model;

tf.enableProdMode();
const backend = await initBackend();
// The roofline: the GFLOP/s `s3pet doctor` measures (its ROOFLINE_MATMUL_SIZE square matmul), here, at
// this machine load. On a loaded machine wall time inflates both it and the steps; the same matmul
// timed in process CPU time gives the roofline the CPU-time step figures are compared with.
const roofline = measureMatmulGflops({ a: [ROOFLINE_MATMUL_SIZE, ROOFLINE_MATMUL_SIZE], b: [ROOFLINE_MATMUL_SIZE, ROOFLINE_MATMUL_SIZE] }, { minMs: 300 });
const rooflineCpu = cpuMatmulGflops(1024, 8);
// Matmul FLOPs each step executes (counted, not timed); --profile: time every kernel of the timed
// steps (adds ~1 us per op, which the step times then include).
const flopCounter = installMatmulFlopCounter();
const profiler = flags.profile ? installKernelProfiler() : null;
const isT5 = checkpointModelType(modelDir) === "t5";
const probe = isT5 ? loadT5Pretrained(modelDir) : loadPretrained(modelDir);
const vocabSize = probe.config.vocabSize;
const backboneParams = probe.model.paramCount();
const hiddenSize = probe.model.hiddenSize;
const probeLayers = probe.model.numLayers;
probe.model.dispose();
const maxPositions = "maxPositions" in probe.config ? probe.config.maxPositions : Infinity; // T5: relative positions
if (seq > maxPositions) throw new Error(`--seq ${seq} exceeds the model's ${maxPositions} positions`);

const result =
  flags.case === "forward" ? timeForward() : flags.case === "search" ? await timeEngine("search") : await timeEngine(flags.case);
process.stdout.write(
  `${JSON.stringify({
    case: flags.case,
    backend: { name: backend.name, simd: backend.simd, threads: backend.threads, tfjs: backend.versions.tfjs },
    model: modelDir,
    backboneParams,
    batch,
    seq,
    tokensPerBatch: batch * seq,
    workers,
    warmup,
    roofline: { shape: `${ROOFLINE_MATMUL_SIZE}x${ROOFLINE_MATMUL_SIZE}`, gflops: roofline.gflops, cpuShape: "1024x1024", cpuGflops: rooflineCpu },
    ...result,
    memory: memoryNow(),
  })}\n`,
);

// --- the cases

/** Forward only: backbone + head logits, no gradient tape, read back with dataSync. */
function timeForward() {
  const model = isT5 ? loadT5Pretrained(modelDir).model : loadPretrained(modelDir).model;
  const head = createClassificationHead(model)(2, { seed: 1 });
  const b = syntheticBatch({ vocabSize, seq, batch }, 0, batch);
  const ms = [];
  for (let i = 0; i < warmup + reps; i++) {
    const t0 = performance.now();
    tf.tidy(() => head.apply(model.forward(b)).dataSync());
    if (i >= warmup) ms.push(performance.now() - t0);
  }
  const tensors = tf.memory().numTensors;
  // The first 16 pooled values, compared with the torch reference's (same weights, same batch).
  const pooledSample = tf.tidy(() => Array.from(model.forward(b).pooledOutput.dataSync().slice(0, 16)));
  head.dispose();
  model.dispose();
  return { steps: { forward: summarise(ms, batch * seq) }, trainableParams: 0, liveTensorsAfter: tensors, pooledSample };
}

/** A real engine run capped at warmup + reps steps; its `step` events give the step times. */
async function timeEngine(kind) {
  const steps = warmup + reps;
  // Search halves train into W and A: enough rows that no phase wraps an epoch.
  const fromLayer = flags["from-layer"] === undefined ? null : Number(flags["from-layer"]);
  const recipeArgs = {
    modelDir,
    shape: { vocabSize, seq, batch },
    hiddenSize,
    trainSize: fromLayer === null ? 2 * batch * (steps + 1) : 2 * batch,
    methods: kind === "search" && flags.methods ? flags.methods.split(",") : null,
    noSkip: Boolean(flags["no-skip"]),
  };
  const { registry, ...evalDeps } = await speedDeps(recipeArgs);
  const methodNames = evalDeps.methods.map((m) => m.name);
  const outDir = mkdtempSync(join(tmpdir(), `s3pet-speed-${kind}-`));
  const deps = {
    ...evalDeps,
    outDir,
    workerRecipe: { module: new URL("./synthetic-task.mjs", import.meta.url).href, export: "speedDeps", args: recipeArgs },
    configureContainer: (container) => {
      for (const { plugin } of registry.plugins()) plugin.register?.(container);
    },
  };
  const common = { name: `speed-${kind}`, seed: 1, workers, microBatchSize, batchSize: batch, evalBatchSize: batch, maxSteps: steps, evalEvery: steps, checkpointEvery: 1_000_000, trainEpochs: 1, gatesEvery: 1_000_000 };
  const handle =
    kind === "search"
      ? runSearch({ ...common, searchEpochs: 1, budget: flags.budget }, deps)
      : runTrain({ ...common, ...(fromLayer === null ? {} : { trainEpochs: steps }), structure: kind === "full" ? { kind: "full" } : fromLayer === null ? { kind: "preset", name: "lora" } : upperLora(fromLayer) }, deps);

  /** @type {Record<string, { ms: number[], tokens: number }>} */
  const byPhase = {};
  let candidates = 0;
  /** @type {Record<string, { tensors: number[], liveMiB: number }>} */
  const memoryByPhase = {};
  /** @type {Record<string, any[]>} kernel recordings of the timed steps, by phase */
  const profiled = {};
  /** @type {Record<string, { cpuMs: number[], flops: number[] }>} process CPU time and matmul FLOPs of the timed steps */
  const work = {};
  let cpuAtStep = cpuMs();
  const sub = handle.events$.subscribe((e) => {
    if (e.type === "run-start") candidates = e.candidates.length;
    if (e.type !== "step") {
      if (e.type === "phase") {
        // what ran between phases is not a step
        profiler?.take();
        flopCounter.take();
        cpuAtStep = cpuMs();
      }
      return;
    }
    const tokens = e.phase === "search" ? 2 * batch * seq : batch * seq; // A + W batches in a search step
    const phase = (byPhase[e.phase] ??= { ms: [], tokens });
    const recorded = profiler?.take();
    const cpuNow = cpuMs();
    const stepCpu = cpuNow - cpuAtStep;
    cpuAtStep = cpuNow;
    const stepFlops = flopCounter.take();
    if (e.step > warmup) {
      const w = (work[e.phase] ??= { cpuMs: [], flops: [] });
      w.cpuMs.push(stepCpu);
      w.flops.push(stepFlops);
      phase.ms.push((1000 * tokens) / e.tokensPerSecond);
      if (recorded) (profiled[e.phase] ??= []).push(recorded);
    }
    const mem = tf.memory();
    const m = (memoryByPhase[e.phase] ??= { tensors: [], liveMiB: 0 });
    m.tensors.push(mem.numTensors);
    m.liveMiB = Math.max(m.liveMiB, mem.numBytes / 2 ** 20);
  });
  const run = await handle.result;
  sub.unsubscribe();
  rmSync(outDir, { recursive: true, force: true });
  const r = run.results;
  // Live tensors between steps: the same count after every step of a phase means no leak.
  const summaries = Object.fromEntries(
    Object.entries(byPhase).map(([phase, p]) => {
      const m = memoryByPhase[phase];
      const profile = profiled[phase] ? { profile: summariseProfile(profiled[phase]) } : {};
      const w = work[phase];
      const cpu = { cpuMedianMs: median(w.cpuMs), cpuMs: w.cpuMs, executedMatmulGflop: median(w.flops) / 1e9 };
      return [phase, { ...summarise(p.ms, p.tokens), ...cpu, tensorsAfterStep: { first: m.tensors[0], last: m.tensors.at(-1) }, liveTfMiB: m.liveMiB, ...profile }];
    }),
  );
  return {
    steps: summaries,
    candidates: kind === "search" ? candidates : undefined,
    methods: kind === "search" ? methodNames : undefined,
    trainableParams: r?.chosenParams ?? null,
    structure: r ? { modules: r.structure.length, params: r.chosenParams, budget: r.budget } : null,
  };
}

/** LoRA r=8 on query and value of the layers >= `from` (the preset's modules, upper layers only). */
function upperLora(from) {
  const layers = Array.from({ length: probeLayers - from }, (_, i) => from + i);
  const modules = layers.flatMap((i) => ["query", "value"].map((p) => ({ site: `encoder.layer.${i}.attention.self.${p}`, method: "lora", options: { rank: 8 }, params: 8 * 2 * hiddenSize })));
  return { kind: "modules", modules };
}

// --- numbers

/**
 * GFLOP/s of an n x n matmul (+ dataSync) in process CPU time over `runs` runs after 3 warm-ups, timed
 * as one block (a single 256 x 256 matmul is too short for CPU-time accounting).
 */
function cpuMatmulGflops(n, runs) {
  const a = tf.randomNormal([n, n], 0, 1, "float32", 1);
  const b = tf.randomNormal([n, n], 0, 1, "float32", 2);
  // wasm finishes a kernel before it returns: no read of the result (it would time the readback)
  const once = () => tf.matMul(a, b).dispose();
  for (let i = 0; i < 10; i++) once(); // V8 optimises the wasm kernels while they run
  const t0 = cpuMs();
  for (let i = 0; i < runs; i++) once();
  const ms = cpuMs() - t0;
  tf.dispose([a, b]);
  return (2 * n * n * n * runs) / ms / 1e6;
}

function median(xs) {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.floor((sorted.length - 1) / 2)] / 2 + sorted[Math.ceil((sorted.length - 1) / 2)] / 2 : NaN;
}

function summarise(ms, tokens) {
  const sorted = [...ms].sort((a, b) => a - b);
  const med = median(ms);
  return { n: ms.length, tokens, medianMs: med, minMs: sorted[0] ?? NaN, maxMs: sorted.at(-1) ?? NaN, tokensPerSecond: (1000 * tokens) / med, ms };
}

/** Peak RSS of this process (high-water mark), tf.memory() now, and the wasm heap size (it never shrinks). */
function memoryNow() {
  const m = tf.memory();
  const wasmHeap = /** @type {any} */ (tf.backend()).wasm?.HEAPU8?.length;
  return {
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
    tfNumTensors: m.numTensors,
    tfNumBytesMiB: m.numBytes / 2 ** 20,
    wasmHeapMiB: wasmHeap === undefined ? null : wasmHeap / 2 ** 20,
  };
}

function int(v, name) {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, got ${v}`);
  return n;
}
