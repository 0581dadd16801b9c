#!/usr/bin/env node
// @ts-check
// Memory at real sizes: for the embedded backbone and checkpoints of bert-base's, roberta-base's and
// bert-large's shapes (random weights, made once in the temp directory), `s3pet search` with the
// default methods and budget and `s3pet train --structure lora` (with evaluation) at one batch shape,
// each in its own process: exit code, the last line on failure, peak RSS (GNU time), the peak of live
// tensor bytes and the wasm heap (heap-probe.mjs), next to the memory plan's estimate per worker
// (`s3pet inspect --json`). A run the plan refuses exits 2 at once; that is a row too.
// Run after a build:  nice node tools/bench/memory/memory.mjs [--shapes embedded,bert-base] [--out f.json] [--doc docs/BENCHMARKS.md]
// Other flags: --batch-size 16, --max-length 128, --max-steps 2, --max-examples 32, --commands search,train
// --from <report.json> --doc <file>: write the section of a saved report without running.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { replaceDocSection } from "../replace-doc-section.mjs";
import { ensureShapedCheckpoint } from "./shaped-checkpoint.mjs";

const ROOT = new URL("../../..", import.meta.url).pathname;
const BIN = join(ROOT, "packages/cli/dist/bin.js");
const PROBE = join(ROOT, "tools/bench/memory/heap-probe.mjs");

const { values } = parseArgs({
  options: {
    shapes: { type: "string", default: "embedded,bert-base,roberta-base,bert-large" },
    commands: { type: "string", default: "search,train" },
    "batch-size": { type: "string", default: "16" },
    "max-length": { type: "string", default: "128" },
    "max-steps": { type: "string", default: "2" },
    "max-examples": { type: "string", default: "32" },
    out: { type: "string" },
    doc: { type: "string" },
    from: { type: "string" },
  },
});

const MiB = 2 ** 20;
const mib = (/** @type {number | null | undefined} */ b) => (b == null ? "–" : `${Math.round(b / MiB)}`);

/** @param {string} shape */
async function modelDir(shape) {
  return shape === "embedded" ? join(ROOT, "assets/backbone") : ensureShapedCheckpoint(/** @type {never} */ (shape));
}

/** @param {string} dir */
function plans(dir) {
  const r = spawnSync(process.execPath, [BIN, "inspect", "--model", dir, "--json", "--batch-size", values["batch-size"], "--max-length", values["max-length"]], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`inspect failed: ${r.stderr}`);
  return JSON.parse(r.stdout).memory;
}

/** @param {string} shape @param {string} command @param {string} dir */
function measure(shape, command, dir) {
  const tmp = mkdtempSync(join(tmpdir(), "s3pet-bench-memory-"));
  const probeOut = join(tmp, "probe.json");
  const args = [
    "-f", "%M %e", process.execPath, "--import", PROBE, BIN, command, "--model", dir,
    ...(command === "train" ? ["--structure", "lora"] : []),
    "--batch-size", values["batch-size"], "--max-length", values["max-length"], "--max-steps", values["max-steps"],
    "--max-examples", values["max-examples"], "--ui", "plain", "--out", join(tmp, "run"),
  ];
  const r = spawnSync("/usr/bin/time", args, { encoding: "utf8", env: { ...process.env, S3PET_HEAP_PROBE_OUT: probeOut }, maxBuffer: 64 * MiB });
  const lines = r.stderr.trim().split("\n");
  const [rssKb, seconds] = (lines.at(-1) ?? "").split(" ").map(Number);
  const status = Number(/exit status (\d+)/.exec(lines.at(-2) ?? "")?.[1] ?? r.status);
  let probe = { peakTensorBytes: null, heapBytes: null };
  try {
    probe = JSON.parse(readFileSync(probeOut, "utf8"));
  } catch {
    // no probe file: the run failed before its first step; the row keeps nulls
  }
  const message = status === 0 ? null : lines.filter((l) => !/^Command exited|^\d+ [\d.]+$/.test(l)).at(-1) ?? null;
  rmSync(tmp, { recursive: true, force: true });
  return { shape, command, exitCode: status, message, seconds, peakRssBytes: (rssKb ?? 0) * 1024, ...probe };
}

function render(/** @type {any} */ report) {
  const { batchSize, maxLength, maxSteps, maxExamples } = report.settings;
  const rows = report.rows.map((/** @type {any} */ r) => {
    const est = r.plan?.perWorker;
    const ratio = r.exitCode === 0 && est && r.heapBytes ? `${((est / r.heapBytes) * 100).toFixed(0)}%` : "–";
    const outcome = r.exitCode === 0 ? "exit 0" : `exit ${r.exitCode}: ${String(r.message).replace(/\|/g, "/").slice(0, 90)}…`;
    return `| ${r.shape} | ${r.command === "train" ? "train lora" : "search"} | ${outcome} | ${mib(est)} | ${mib(r.peakTensorBytes)} | ${mib(r.heapBytes)} | ${ratio} | ${mib(r.peakRssBytes)} | ${r.seconds ?? "–"} |`;
  });
  return [
    "## Memory",
    "",
    `\`node tools/bench/memory/memory.mjs\` (batch ${batchSize} x ${maxLength}, --max-steps ${maxSteps} per phase, --max-examples ${maxExamples}; `,
    `${report.machine.cpus} cores, load ${report.machine.load.map((/** @type {number} */ l) => l.toFixed(1)).join(" ")} at start). Checkpoints of the public models' shapes with random weights;`,
    "plan = the memory plan's estimate per worker (docs/MEMORY.md), tensors = peak live tensor bytes, heap = the wasm heap's",
    "final (= peak) size, plan/heap = the estimate over the measured heap. MiB throughout.",
    "",
    "| backbone | run | outcome | plan | tensors | heap | plan/heap | peak RSS | seconds |",
    "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...rows,
  ].join("\n");
}

let report;
if (values.from) {
  report = JSON.parse(readFileSync(values.from, "utf8"));
} else {
  const rows = [];
  const machine = { cpus: cpus().length, load: loadavg() };
  for (const shape of values.shapes.split(",")) {
    const dir = await modelDir(shape);
    const memory = plans(dir);
    for (const command of values.commands.split(",")) {
      const row = { ...measure(shape, command, dir), plan: memory[command === "train" ? "train lora" : "search"] ?? null };
      console.error(JSON.stringify(row));
      rows.push(row);
    }
  }
  report = {
    settings: { batchSize: Number(values["batch-size"]), maxLength: Number(values["max-length"]), maxSteps: Number(values["max-steps"]), maxExamples: Number(values["max-examples"]) },
    machine,
    rows,
  };
  if (values.out) writeFileSync(values.out, `${JSON.stringify(report, null, 2)}\n`);
  else console.log(JSON.stringify(report, null, 2));
}
if (values.doc) replaceDocSection(values.doc, "memory", render(report));
