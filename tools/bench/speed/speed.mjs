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
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { writeJsonAtomic } from "@s3pet/core";
import { ensureModel } from "./ensure-model.mjs";
import { renderSpeedMarkdown } from "./render-speed-markdown.mjs";
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
  },
  strict: true,
});
// --from report.json: only re-render (and with --write-docs, re-write) a saved report.
if (flags.from) {
  const saved = JSON.parse(readFileSync(flags.from, "utf8"));
  const markdown = renderSpeedMarkdown(saved);
  process.stdout.write(`${markdown}\n`);
  if (flags["write-docs"]) replaceDocSection(join(ROOT, "docs/BENCHMARKS.md"), "speed", markdown);
  process.exit(0);
}
const started = Date.now();
const { dir: model, note: modelNote } = await ensureModel(flags.model ?? join(ROOT, "assets/backbone"));
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

// (a)-(e) at batch 16 x seq 64
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

const results = [];
for (const c of plan) {
  const loadBefore = loadavg();
  const t0 = Date.now();
  const r =
    c.runner === "torch"
      ? spawnSync(torchPython, [join(ROOT, "tools/bench/speed/torch_reference.py"), ...c.args, "--model", model], { encoding: "utf8", maxBuffer: 1 << 26 })
      : spawnSync(process.execPath, [join(ROOT, "tools/bench/speed/speed-case.mjs"), ...c.args, "--model", model], {
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
  results.push({ id: c.id, group: c.group, runner: c.runner, wallSeconds: (Date.now() - t0) / 1000, load1Before: loadBefore[0], load1After: loadAfter[0], ...out });
  const phases = Object.entries(out.steps).map(([p, s]) => `${p} ${s.medianMs.toFixed(1)} ms (${Math.round(s.tokensPerSecond)} tok/s)`).join(", ");
  process.stderr.write(`${c.id}: ${phases}; peak RSS ${out.memory.peakRssMiB.toFixed(0)} MiB; load ${loadBefore[0].toFixed(2)} -> ${loadAfter[0].toFixed(2)}\n`);
}

const report = {
  command: `node tools/bench/speed/speed.mjs ${process.argv.slice(2).join(" ")}`.trim(),
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
if (flags.out) writeJsonAtomic(flags.out, report);
process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
const markdown = renderSpeedMarkdown(report);
process.stderr.write(`\n${markdown}\n`);
if (flags["write-docs"]) replaceDocSection(join(ROOT, "docs/BENCHMARKS.md"), "speed", markdown);

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
