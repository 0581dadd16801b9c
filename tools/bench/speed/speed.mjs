#!/usr/bin/env node
// @ts-check
// Speed benchmark (not a test): tokens/s and peak memory of (a) a forward pass, (b) a LoRA
// training step, (c) a full fine-tuning step, (d) one bi-level search step over the whole mixed space,
// (e) a re-training step, on the embedded backbone, per tfjs backend (wasm; cpu for (a)/(b) only, it is
// ~30x slower); (a)-(c) also in the PyTorch CPU reference (torch_reference.py, same weights and batches)
// with the ratio ours / torch; plus step time against sequence length and against the number of
// search candidates. Every case runs in its own process, one at a time; the load average before and
// after each is recorded, so a busy machine shows in the numbers.
//   npx nx run-many -t build && node tools/bench/speed/speed.mjs [--model assets/backbone] [--out f.json]
//        [--budget 0.1%] [--quick] [--no-torch] [--no-cpu] [--write-docs] [--from saved.json]
// --write-docs replaces the "Speed" section of docs/BENCHMARKS.md (between its speed markers).
// --suite real-sizes: the embedded backbone at 16 x 64 and a bert-base-shaped one (random weights) at
// 16 x 128: LoRA, full fine-tuning, search and re-training steps at each of --workers (e.g. 1,2), torch's
// LoRA and full steps, and each step's matmul-roofline share; --write-docs fills the "Speed at real
// sizes" section instead. --groups embedded (or bert-base) runs one backbone only; --groups t5-small adds
// a t5-small-shaped T5 (random weights) at 16 x 64: forward and search steps, 1 worker. --micro-batch-size m
// (or group=m,...: those groups only) runs each unit's shard in micro-batches of m (bert-base at 16 x 128
// needs 8: what the CLI's memory plan picks there).
// --figures <dir>: also the report's figure as SVG there (tokens/s against sequence length for the main
// suite, against workers for real-sizes; render-speed-figures.mjs), linked from the markdown (docs/figures
// for BENCHMARKS.md).
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { basename, join, relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import { writeJsonAtomic } from "@s3pet/core";
import { ensureModelInChild } from "./ensure-model.mjs";
import { renderSpeedFigures } from "./render-speed-figures.mjs";
import { renderSpeedMarkdown } from "./render-speed-markdown.mjs";
import { renderRealSizesMarkdown } from "./render-real-sizes-markdown.mjs";
import { replaceDocSection } from "../replace-doc-section.mjs";

const ROOT = new URL("../../../", import.meta.url).pathname;
const { values: flags } = parseArgs({
  options: {
    model: { type: "string" },
    budget: { type: "string", default: "0.1%" },
    out: { type: "string" },
    quick: { type: "boolean" },
    "no-torch": { type: "boolean" },
    "no-cpu": { type: "boolean" },
    "write-docs": { type: "boolean" },
    from: { type: "string" },
    suite: { type: "string", default: "main" },
    workers: { type: "string", default: "1" },
    "micro-batch-size": { type: "string" },
    groups: { type: "string", default: "embedded,bert-base" },
    figures: { type: "string" },
  },
  strict: true,
});
// --from report.json: only re-render (and with --write-docs, re-write) a saved report.
const SUITES = { main: { section: "speed", render: renderSpeedMarkdown }, "real-sizes": { section: "speed-real-sizes", render: renderRealSizesMarkdown } };
const suite = SUITES[flags.suite];
if (!suite) {
  process.stderr.write(`--suite must be one of ${Object.keys(SUITES).join(", ")}, got ${flags.suite}\n`);
  process.exit(2);
}
const workerCounts = flags.workers.split(",").map(Number);
/** --micro-batch-size m (every group) or group=m,... (those groups only; the others run whole shards). */
function microBatchFor(/** @type {string} */ group) {
  for (const part of (flags["micro-batch-size"] ?? "").split(",").filter(Boolean)) {
    const [name, m] = part.includes("=") ? part.split("=") : [group, part];
    if (name === group) return ["--micro-batch-size", /** @type {string} */ (m)];
  }
  return [];
}
if (!workerCounts.every((n) => Number.isInteger(n) && n >= 1)) {
  process.stderr.write(`--workers must be positive integers separated by commas (e.g. 1,2), got ${flags.workers}\n`);
  process.exit(2);
}
if (flags.from) {
  const saved = JSON.parse(readFileSync(flags.from, "utf8"));
  const render = saved.suite === "real-sizes" ? SUITES["real-sizes"] : SUITES.main;
  const markdown = await withFigures(render.render(saved), saved, basename(flags.from, ".json"));
  process.stdout.write(`${markdown}\n`);
  if (flags["write-docs"]) replaceDocSection(join(ROOT, "docs/BENCHMARKS.md"), render.section, markdown);
  process.exit(0);
}
const started = Date.now();
const { dir: model, note: modelNote } = ensureModelInChild(flags.model ?? join(ROOT, "assets/backbone"));
const models = { [model]: modelNote };
const quick = flags.quick === true;
const reps = (n) => (quick ? Math.min(n, 2) : n);
const torchPython = "/usr/bin/python3";
const withTorch = !flags["no-torch"] && existsSync(torchPython) && spawnSync(torchPython, ["-c", "import torch"]).status === 0;
const withCpu = !flags["no-cpu"];

/** @type {{ id: string, group: string, runner: "tfjs" | "torch", backend?: string, args: string[] }[]} */
const plan = [];
const tfjsCase = (group, backend, kind, seq, n, extra = []) =>
  plan.push({ id: caseId(backend, kind, seq, extra), group, runner: "tfjs", backend, args: ["--case", kind, "--seq", String(seq), "--reps", String(reps(n)), "--warmup", backend === "cpu" ? "1" : "2", ...extra] });
const torchCase = (group, kind, seq, n) =>
  plan.push({ id: `torch:${kind}:seq${seq}`, group, runner: "torch", args: ["--case", kind, "--seq", String(seq), "--reps", String(reps(n)), "--warmup", "2"] });

if (flags.suite === "real-sizes") {
  // Few timed steps: a bert-base step takes tens of seconds. --workers n > 1 goes to the engine's data parallelism.
  const groups = flags.groups.split(",");
  const bertBase = groups.includes("bert-base") ? ensureModelInChild("bert-base") : null;
  if (bertBase) models[bertBase.dir] = bertBase.note;
  const t5Small = groups.includes("t5-small") ? ensureModelInChild("t5-small") : null;
  if (t5Small) {
    models[t5Small.dir] = t5Small.note;
    // A T5 has no LoRA preset sites (the presets name BERT positions) and no full fine-tuning: forward and search.
    plan.push({ id: "t5-small:w1:forward", group: "t5-small", runner: "tfjs", backend: "wasm", workers: 1, args: ["--case", "forward", "--seq", "64", "--reps", String(reps(6)), "--warmup", "1", "--model", t5Small.dir] });
    plan.push({ id: "t5-small:w1:search", group: "t5-small", runner: "tfjs", backend: "wasm", workers: 1, args: ["--case", "search", "--seq", "64", "--reps", String(reps(3)), "--warmup", "1", "--budget", flags.budget, "--model", t5Small.dir] });
  }
  for (const [group, dir, seq] of [["embedded", model, 64], ["bert-base", bertBase?.dir, 128]]) {
    if (!groups.includes(group)) continue;
    const small = group === "embedded";
    for (const workers of workerCounts) {
      const w = workers > 1 ? ["--workers", String(workers)] : [];
      const micro = microBatchFor(group);
      const extra = ["--model", dir, ...w, ...micro];
      for (const kind of ["lora", "full"]) {
        plan.push({ id: `${group}:w${workers}:${kind}`, group, runner: "tfjs", backend: "wasm", workers, args: ["--case", kind, "--seq", String(seq), "--reps", String(small ? reps(6) : reps(3)), "--warmup", small ? "2" : "1", ...extra] });
      }
      plan.push({ id: `${group}:w${workers}:search`, group, runner: "tfjs", backend: "wasm", workers, args: ["--case", "search", "--seq", String(seq), "--reps", String(small ? reps(4) : 2), "--warmup", "1", "--budget", flags.budget, ...extra] });
    }
    if (withTorch) for (const kind of ["lora", "full"]) plan.push({ id: `${group}:torch:${kind}`, group, runner: "torch", args: ["--case", kind, "--seq", String(seq), "--reps", String(small ? reps(20) : reps(5)), "--warmup", "2", "--model", dir] });
  }
}
// (a)-(e) at batch 16 x seq 64
if (flags.suite === "main") {
for (const kind of ["forward", "lora", "full"]) tfjsCase("main", "wasm", kind, 64, kind === "forward" ? 20 : 10);
tfjsCase("main", "wasm", "search", 64, 6, ["--budget", flags.budget]);
if (withCpu) for (const kind of ["forward", "lora"]) tfjsCase("main", "cpu", kind, 64, 2);
if (withTorch) for (const kind of ["forward", "lora", "full"]) torchCase("main", kind, 64, kind === "forward" ? 40 : 20);
// step time against sequence length (64 is in the main group)
for (const seq of [32, 128]) {
  tfjsCase("seq", "wasm", "lora", seq, 6);
  tfjsCase("seq", "wasm", "search", seq, 4, ["--budget", flags.budget]);
  if (withTorch) torchCase("seq", "lora", seq, 20);
}
// search step time against the number of candidates (the whole mixed space is in the main group)
for (const methods of ["bitfit", "lora", "lora,bitfit", "lora,adapter,bitfit", "lora,adapter,bitfit,prefix"]) {
  tfjsCase("candidates", "wasm", "search", 64, 4, ["--budget", "1%", "--methods", methods]); // 1%: every method alone fits
}
}

const results = [];
for (const c of plan) {
  const loadBefore = loadavg();
  const t0 = Date.now();
  const r =
    c.runner === "torch"
      ? spawnSync(torchPython, [join(ROOT, "tools/bench/speed/torch_reference.py"), ...withModel(c.args)], { encoding: "utf8", maxBuffer: 1 << 26 })
      : spawnSync(process.execPath, [join(ROOT, "tools/bench/speed/speed-case.mjs"), ...withModel(c.args)], {
          encoding: "utf8",
          maxBuffer: 1 << 26,
          env: { ...process.env, S3PET_BACKEND: c.backend },
        });
  const loadAfter = loadavg();
  if (r.status !== 0) {
    process.stderr.write(`${c.id}: FAILED (exit ${r.status})\n${r.stderr}\n`);
    results.push({ id: c.id, group: c.group, runner: c.runner, error: firstErrorLine(r.stderr || String(r.error)) });
    continue;
  }
  const out = JSON.parse(r.stdout.trim().split("\n").at(-1));
  results.push({ id: c.id, group: c.group, runner: c.runner, workers: c.workers, wallSeconds: (Date.now() - t0) / 1000, load1Before: loadBefore[0], load1After: loadAfter[0], ...out });
  if (flags.out) writeJsonAtomic(flags.out, makeReport()); // a partial report survives an interrupted run
  const phases = Object.entries(out.steps).map(([p, s]) => `${p} ${s.medianMs.toFixed(1)} ms (${Math.round(s.tokensPerSecond)} tok/s)`).join(", ");
  process.stderr.write(`${c.id}: ${phases}; peak RSS ${out.memory.peakRssMiB.toFixed(0)} MiB; load ${loadBefore[0].toFixed(2)} -> ${loadAfter[0].toFixed(2)}\n`);
}

function makeReport() {
  return {
  command: `node tools/bench/speed/speed.mjs ${process.argv.slice(2).join(" ")}`.trim(),
  suite: flags.suite,
  models,
  date: new Date().toISOString(),
  seconds: (Date.now() - started) / 1000,
  machine: {
    cpu: cpus()[0]?.model ?? "unknown",
    cores: cpus().length,
    memoryGiB: totalmem() / 2 ** 30,
    node: process.versions.node,
    load1AtEnd: loadavg()[0],
    maxLoad1: Math.max(...results.map((r) => Math.max(r.load1Before ?? 0, r.load1After ?? 0))),
  },
  model,
  modelNote,
  quick,
  torch: withTorch ? "python3-torch (Debian), see torch rows for BLAS and threads" : "not run (no /usr/bin/python3 with torch, or --no-torch)",
  results,
  };
}
const report = makeReport();
if (flags.out) writeJsonAtomic(flags.out, report);
process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
const markdown = await withFigures(suite.render(report), report, flags.out ? basename(flags.out, ".json") : `speed-${flags.suite}`);
process.stderr.write(`\n${markdown}\n`);
if (flags["write-docs"]) replaceDocSection(join(ROOT, "docs/BENCHMARKS.md"), suite.section, markdown);

/** With --figures: renders the report's figures and links them after its markdown (paths relative to docs/). */
async function withFigures(markdown, report, name) {
  if (!flags.figures) return markdown;
  const figures = await renderSpeedFigures(report, resolve(flags.figures), name);
  const links = Object.entries(figures).map(([what, path]) => `![tokens/s against ${what === "seq" ? "sequence length" : "workers"}](${relative(join(ROOT, "docs"), path)})`);
  return [markdown.trimEnd(), "", ...links].join("\n");
}

/** The case's arguments with the default model unless the case names its own. */
function withModel(args) {
  return args.includes("--model") ? args : [...args, "--model", model];
}

/** `wasm:search:seq64`, plus `:<methods>` when the case names its methods. */
function caseId(backend, kind, seq, extra) {
  const m = extra.indexOf("--methods");
  return `${backend}:${kind}:seq${seq}${m >= 0 ? `:${extra[m + 1]}` : ""}`;
}

/** The line that names the error (JS `XxxError: ...` or Python's last line), not the stack. */
function firstErrorLine(stderr) {
  const lines = stderr.trim().split("\n");
  return lines.find((l) => /^\w*Error\b/.test(l.trim())) ?? lines.at(-1) ?? "unknown error";
}
