#!/usr/bin/env node
// @ts-check
// Memory at real sizes: for the embedded backbone and checkpoints of bert-base's, roberta-base's and
// bert-large's shapes (random weights, made once in the temp directory, never committed), `s3pet search`
// with the default methods and budget and `s3pet train --structure lora` (with evaluation) at one batch
// shape, each as its own real CLI process with the run's default workers and micro-batch (the memory
// plan's choice): exit code, the last line on failure, wall time, peak RSS of the process (GNU time;
// data-parallel workers are threads, so it covers them), the peak of live tensor bytes and the wasm heap
// of every unit (heap-probe.mjs), next to the memory plan's estimate (`s3pet inspect --json` at the
// same flags). A run the plan refuses exits 2 at once; that is a row too. Runs go one at a time.
// Run after a build:  nice -n 10 node tools/bench/memory/memory.mjs [--runs embedded:search+train,bert-large:train]
//   [--out f.json] [--doc docs/BENCHMARKS.md --doc docs/MEMORY.md]
// Other flags: --batch-size 16, --max-length 128, --max-steps 2, --max-examples 32, --workers n, --micro-batch-size n
// --from <report.json> --doc <file>: write the section of a saved report without running.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { replaceDocSection } from "../replace-doc-section.mjs";
import { ensureShapedCheckpoint } from "./shaped-checkpoint.mjs";

const ROOT = new URL("../../..", import.meta.url).pathname;
const BIN = join(ROOT, "packages/cli/dist/bin.js");
const PROBE = join(ROOT, "tools/bench/memory/heap-probe.mjs");
const DEFAULT_RUNS = "embedded:search+train,bert-base:search+train,roberta-base:search+train,bert-large:train";

const { values } = parseArgs({
  options: {
    runs: { type: "string", default: DEFAULT_RUNS },
    "batch-size": { type: "string", default: "16" },
    "max-length": { type: "string", default: "128" },
    "max-steps": { type: "string", default: "2" },
    "max-examples": { type: "string", default: "32" },
    workers: { type: "string" },
    "micro-batch-size": { type: "string" },
    out: { type: "string" },
    doc: { type: "string", multiple: true },
    from: { type: "string" },
  },
});

const MiB = 2 ** 20;
const mib = (/** @type {number | null | undefined} */ b) => (b == null ? "–" : `${Math.round(b / MiB)}`);
const uptime = () => execFileSync("uptime", { encoding: "utf8" }).trim();

/** The flags every process gets: the batch shape, and the units when given (else the plan's defaults). */
function shapeFlags() {
  return [
    "--batch-size", values["batch-size"], "--max-length", values["max-length"],
    ...(values.workers ? ["--workers", values.workers] : []),
    ...(values["micro-batch-size"] ? ["--micro-batch-size", values["micro-batch-size"]] : []),
  ];
}

/** @param {string} shape */
async function modelDir(shape) {
  return shape === "embedded" ? join(ROOT, "assets/backbone") : ensureShapedCheckpoint(/** @type {never} */ (shape));
}

/** The plans of `inspect --json` (search, train lora) at the runs' flags. @param {string} dir */
function plans(dir) {
  const r = spawnSync(process.execPath, [BIN, "inspect", "--model", dir, "--json", ...shapeFlags()], { encoding: "utf8", maxBuffer: 64 * MiB });
  if (r.status !== 0) throw new Error(`inspect failed: ${r.stderr}`);
  return JSON.parse(r.stdout).memory;
}

/** The heap probes' files of one run: the main thread's (unit 0) and the largest worker's. @param {string} tmp */
function readProbes(tmp) {
  const probes = readdirSync(tmp)
    .filter((f) => f.startsWith("probe.json."))
    .map((f) => JSON.parse(readFileSync(join(tmp, f), "utf8")));
  const main = probes.find((p) => p.threadId === 0) ?? null;
  const workers = probes.filter((p) => p.threadId !== 0 && p.heapBytes);
  const maxWorker = workers.length ? Math.max(...workers.map((p) => p.heapBytes)) : null;
  return { peakTensorBytes: main?.peakTensorBytes ?? null, heapBytes: main?.heapBytes ?? null, workerHeapBytes: maxWorker };
}

/** @param {string} shape @param {string} command @param {string} dir */
function measure(shape, command, dir) {
  const tmp = mkdtempSync(join(tmpdir(), "s3pet-bench-memory-"));
  const runDir = join(tmp, "run");
  const cli = [
    command, "--model", dir, ...(command === "train" ? ["--structure", "lora"] : []), ...shapeFlags(),
    "--max-steps", values["max-steps"], "--max-examples", values["max-examples"], "--ui", "plain", "--out", runDir,
  ];
  const loadBefore = loadavg()[0];
  const r = spawnSync("/usr/bin/time", ["-f", "%M %e", process.execPath, "--import", PROBE, BIN, ...cli], {
    encoding: "utf8",
    env: { ...process.env, S3PET_HEAP_PROBE_OUT: join(tmp, "probe.json") },
    maxBuffer: 256 * MiB,
  });
  const lines = r.stderr.trim().split("\n");
  const [rssKb, seconds] = (lines.at(-1) ?? "").split(" ").map(Number);
  const status = Number(/exit status (\d+)/.exec(lines.at(-2) ?? "")?.[1] ?? r.status);
  const message = status === 0 ? null : (lines.filter((l) => !/^Command exited|^\d+ [\d.]+$/.test(l)).at(-1) ?? null);
  let units = { workers: null, microBatchSize: null };
  try {
    const run = JSON.parse(readFileSync(join(runDir, "run.json"), "utf8"));
    units = { workers: run.workers ?? null, microBatchSize: run.microBatchSize ?? null };
  } catch {
    // no run.json: the run was refused before its directory existed; the row keeps nulls
  }
  const probes = readProbes(tmp);
  rmSync(tmp, { recursive: true, force: true });
  const commandLine = `s3pet ${cli.join(" ").replace(dir, `<${shape}>`).replace(runDir, "<tmp>/run")}`;
  return { shape, command, commandLine, exitCode: status, message, seconds, loadBefore, peakRssBytes: (rssKb ?? 0) * 1024, ...probes, ...units };
}

/** The arguments that change what is measured (without --out and --doc and their values). @param {string[]} argv */
function measuringArgs(argv) {
  return argv.filter((a, i) => !/^--(out|doc)(=|$)/.test(a) && !/^--(out|doc)$/.test(argv[i - 1] ?? ""));
}

function render(/** @type {any} */ report) {
  const { batchSize, maxLength, maxSteps, maxExamples } = report.settings;
  const rows = report.rows.map((/** @type {any} */ r) => {
    const plan = r.plan;
    const ok = r.exitCode === 0;
    const ratio = ok && plan && r.heapBytes ? `${((plan.perWorker / r.heapBytes) * 100).toFixed(0)}%` : "–";
    const units = ok ? `${r.workers} x ${r.microBatchSize}` : plan ? `(${plan.workers} x ${plan.microBatchSize})` : "–";
    const outcome = ok ? "exit 0" : `exit ${r.exitCode}: ${String(r.message).replace(/\|/g, "/")}`;
    const heaps = r.workerHeapBytes ? `${mib(r.heapBytes)} / ${mib(r.workerHeapBytes)}` : mib(r.heapBytes);
    return `| ${r.shape} | ${r.command === "train" ? "train lora" : "search"} | ${outcome} | ${units} | ${mib(plan?.perWorker)} | ${heaps} | ${ratio} | ${mib(plan?.total)} | ${mib(r.peakRssBytes)} | ${r.seconds ?? "–"} |`;
  });
  return [
    "## Memory at real sizes",
    "",
    `\`${report.command}\` (batch ${batchSize} x ${maxLength}, --max-steps ${maxSteps} per phase, --max-examples ${maxExamples}; ` +
      `${report.machine.cpus} cores, ${Math.round(report.machine.memoryBytes / 2 ** 30)} GiB; one run at a time under nice -n 10). ` +
      `Machine load: \`${report.machine.uptimeStart}\` at the start, \`${report.machine.uptimeEnd}\` at the end (the machine is shared: wall times are not speed numbers).`,
    "",
    "Checkpoints of the public models' shapes with random weights (memory depends on shapes only), each command a real `s3pet`",
    "process with the default methods and budget, workers and micro-batch left to the memory plan. units = workers x micro-batch",
    "the run chose (run.json; in brackets the plan's choice for a refused run); plan = the plan's estimate per unit (docs/MEMORY.md);",
    "heap = the wasm heap's final (= peak) size of unit 0 (the main thread: the largest shard and the optimiser) / of the largest",
    "worker thread; plan/heap = the estimate over unit 0's measured heap; plan total = all units; peak RSS = the whole process",
    "(its worker threads included). MiB throughout.",
    "",
    "| backbone | run | outcome | units | plan | heap | plan/heap | plan total | peak RSS | seconds |",
    "| --- | --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...rows,
    "",
    "The exact command of each row (`<tmp>` a fresh temp directory, `<bert-base>` etc. the checkpoint made by",
    "`tools/bench/memory/shaped-checkpoint.mjs`):",
    "",
    ...report.rows.map((/** @type {any} */ r) => `- ${r.shape} ${r.command}: \`${r.commandLine}\``),
  ].join("\n");
}

let report;
if (values.from) {
  report = JSON.parse(readFileSync(values.from, "utf8"));
} else {
  const command = ["nice -n 10 node tools/bench/memory/memory.mjs", ...measuringArgs(process.argv.slice(2))].join(" ");
  const machine = { cpus: cpus().length, memoryBytes: totalmem(), load: loadavg(), uptimeStart: uptime(), uptimeEnd: "" };
  const rows = [];
  for (const spec of values.runs.split(",")) {
    const [shape, commands = "search+train"] = spec.split(":");
    const dir = await modelDir(shape);
    const memory = plans(dir);
    for (const command of commands.split("+")) {
      const row = { ...measure(shape, command, dir), plan: memory[command === "train" ? "train lora" : "search"] ?? null };
      console.error(JSON.stringify(row));
      rows.push(row);
    }
  }
  machine.uptimeEnd = uptime();
  report = {
    command,
    settings: { batchSize: Number(values["batch-size"]), maxLength: Number(values["max-length"]), maxSteps: Number(values["max-steps"]), maxExamples: Number(values["max-examples"]) },
    machine,
    rows,
  };
  if (values.out) writeFileSync(values.out, `${JSON.stringify(report, null, 2)}\n`);
  else console.log(JSON.stringify(report, null, 2));
}
for (const doc of values.doc ?? []) replaceDocSection(doc, "memory", render(report));
