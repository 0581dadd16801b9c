#!/usr/bin/env node
// @ts-check
// Quality benchmark (not a test): the paper's comparison at a scale that runs here. For every
// task x seed it drives the built CLI (`s3pet search|train ... --json`) as processes:
//   s3pet        search over the mixed space (every installed method) at each budget, re-trained
//   s3pet-lora   search over LoRA only at each budget, re-trained
//   random       `train --structure random` from the mixed space at each budget
//   lora, adapter, bitfit, prefix   each method's manual preset (`train --structure <preset>`)
//   full         full fine-tuning
//   transfer     the structure searched on one task (mixed space, --transfer-budget) re-trained on the others
// LoRA options follow the budget: rank 1 below 1% (so LoRA candidates are 256/640 parameters and fit the
// small budgets), rank 8 at 1% and above (rank 1's whole space, ~9k, is below 1% of the backbone).
// Resumable: a finished run (results.json present) is skipped, a started one continues with --resume.
// Jobs run N at a time (--jobs, default 2), seed by seed, so a partial grid is still balanced.
//   npm run build && node tools/bench/quality/quality.mjs [--tasks spam,sotu-party,emoji-group]
//     [--budgets 0.015%,0.1%,1%] [--seeds 1,2,3] [--jobs 2] [--runs-dir tools/bench/quality/runs]
//     [--max-examples n] [--epochs n] [--search-epochs n] [--max-length n] [--batch-size n] [--lr x] [--full-lr x]
//     [--transfer-from task,...] [--order seed|priority]
//     [--out f.json] [--write-docs] [--report-only: render what finished, start nothing]
//     [--ablate <axis>=<v1>,<v2> ...: the search ablation (ablation-axes.mjs): each value a variant of the
//      search rows (s3pet, s3pet-lora), one axis at a time; --write-docs then fills "Search ablation"]
//   node tools/bench/quality/quality.mjs --render results/x.json [--write-docs]: the markdown of a saved report
// Without the cap flags it is the full protocol (the CLI defaults of docs/OPTIONS.md, all examples).
import { spawn } from "node:child_process";
import { createWriteStream, existsSync, mkdirSync, readFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { dirname, join, relative } from "node:path";
import { parseArgs } from "node:util";
import { writeJsonAtomic } from "@s3pet/core";
import { replaceDocSection } from "../replace-doc-section.mjs";
import { parseAblations } from "./ablation-axes.mjs";
import { aggregateQuality } from "./aggregate-quality.mjs";
import { renderAblationMarkdown } from "./render-ablation-markdown.mjs";
import { renderQualityMarkdown } from "./render-quality-markdown.mjs";

const ROOT = new URL("../../../", import.meta.url).pathname;
const BIN = join(ROOT, "packages/cli/dist/bin.js");
const { values: flags } = parseArgs({
  options: {
    model: { type: "string" },
    tasks: { type: "string", default: "spam,sotu-party,emoji-group" },
    budgets: { type: "string", default: "0.015%,0.1%,1%" },
    seeds: { type: "string", default: "1,2,3" },
    rows: { type: "string", default: "s3pet,s3pet-lora,random,lora,adapter,bitfit,prefix,full,transfer" },
    "transfer-budget": { type: "string", default: "0.1%" },
    jobs: { type: "string", default: "2" },
    "runs-dir": { type: "string", default: join(ROOT, "tools/bench/quality/runs") },
    "max-examples": { type: "string" },
    epochs: { type: "string" },
    "search-epochs": { type: "string" },
    "max-length": { type: "string" },
    "batch-size": { type: "string" },
    lr: { type: "string" },
    "full-lr": { type: "string" },
    out: { type: "string" },
    "write-docs": { type: "boolean" },
    "dry-run": { type: "boolean" },
    "report-only": { type: "boolean" },
    render: { type: "string" },
    "transfer-from": { type: "string" },
    order: { type: "string", default: "seed" },
    ablate: { type: "string", multiple: true },
  },
  strict: true,
});

// --render: a saved report's markdown (its own command, date and run time), nothing run or rewritten.
if (flags.render) {
  let saved;
  try {
    saved = JSON.parse(readFileSync(flags.render, "utf8"));
    if (!saved?.protocol || !saved?.summary) throw new Error("no protocol/summary: not a quality report");
  } catch (error) {
    process.stderr.write(`quality: --render ${flags.render}: ${error.message} (pass a report written by --out)\n`);
    process.exit(2);
  }
  publishMarkdown(saved);
  process.exit(0);
}

const started = Date.now();
const load1AtStart = loadavg()[0];
let ablations;
try {
  ablations = parseAblations(flags.ablate ?? []);
} catch (error) {
  process.stderr.write(`quality: ${error.message}\n`);
  process.exit(2);
}
const tasks = list(flags.tasks);
const budgets = list(flags.budgets);
const seeds = list(flags.seeds).map(Number);
const rows = new Set(list(flags.rows));
const runsDir = flags["runs-dir"];
const PRESETS = ["lora", "adapter", "bitfit", "prefix"];

/** Flags every run shares: the protocol (caps) and the model. */
const protocol = [];
for (const k of ["max-examples", "epochs", "max-length", "batch-size"]) if (flags[k] !== undefined) protocol.push(`--${k}`, flags[k]);
// Learning rates: PET modules (and the head) use --lr; full fine-tuning --full-lr (default: --lr), as
// a rate that suits a few thousand module parameters can wreck the whole backbone.
const petLr = flags.lr === undefined ? [] : ["--lr", flags.lr];
const fullLr = flags["full-lr"] === undefined ? petLr : ["--lr", flags["full-lr"]];
// Search runs only: a longer structure search than re-training (the ablation of the search's length).
const searchOnly = flags["search-epochs"] === undefined ? [] : ["--search-epochs", flags["search-epochs"]];
if (flags.model) protocol.push("--model", flags.model);

const taskArg = (task) => (existsSync(join(ROOT, "assets/tasks", task, "task.json")) ? task : `tools/bench/quality/tasks/${task}`);
const loraRank = (budget) => (budget.endsWith("%") && Number(budget.slice(0, -1)) < 1 ? "1" : "8");

/** @typedef {{ id: string, task: string, seed: number, row: string, budget: string | null, command: "search" | "train", args: string[], runDir: string, source?: string, after?: string }} Job */
/** @type {Job[]} */
const jobs = [];
for (const seed of seeds) {
  for (const task of tasks) {
    const base = ["--task", taskArg(task), "--seed", String(seed), ...protocol];
    const add = (row, budget, command, args) => {
      args = [...(row === "full" ? fullLr : petLr), ...(command === "search" ? searchOnly : []), ...args];
      const runDir = join(runsDir, task, row.replace(/[~=]/g, "_"), budget ? budget.replace("%", "pct") : "-", `seed${seed}`);
      jobs.push({ id: `${task}/${row}/${budget ?? "-"}/seed${seed}`, task, seed, row, budget, command, args: [command, ...base, ...args], runDir });
    };
    for (const budget of budgets) {
      const lora = ["--lora.rank", loraRank(budget)];
      // With --ablate, the search rows run once per ablation value (the row id says which) instead.
      for (const v of ablations.length ? ablations : [{ suffix: "", flags: [] }]) {
        if (rows.has("s3pet")) add(`s3pet${v.suffix}`, budget, "search", ["--budget", budget, ...lora, ...v.flags]);
        if (rows.has("s3pet-lora")) add(`s3pet-lora${v.suffix}`, budget, "search", ["--budget", budget, "--methods", "lora", ...lora, ...v.flags]);
      }
      if (rows.has("random")) add("random", budget, "train", ["--structure", "random", "--budget", budget, ...lora]);
    }
    for (const preset of PRESETS) if (rows.has(preset)) add(preset, null, "train", ["--structure", preset]);
    if (rows.has("full")) add("full", null, "train", ["--structure", "full"]);
  }
  // Transfer: the structure searched on `source` re-trained on every other task (same seed, protocol).
  if (rows.has("transfer")) {
    const budget = flags["transfer-budget"];
    for (const source of flags["transfer-from"] ? list(flags["transfer-from"]) : tasks) {
      const searched = jobs.find((j) => j.task === source && j.seed === seed && j.row === "s3pet" && j.budget === budget);
      if (!searched) continue;
      for (const target of tasks.filter((t) => t !== source)) {
        const runDir = join(runsDir, target, `transfer-from-${source}`, budget.replace("%", "pct"), `seed${seed}`);
        jobs.push({
          id: `${target}/transfer-from-${source}/${budget}/seed${seed}`,
          task: target,
          seed,
          row: `transfer-from-${source}`,
          budget,
          command: "train",
          args: ["train", "--structure", join(searched.runDir, "structure.json"), "--task", taskArg(target), "--seed", String(seed), ...protocol, ...petLr],
          runDir,
          source,
          after: searched.id,
        });
      }
    }
  }
}

// --order priority: the transfer budget's rows, the fixed structures and the transfers for every seed
// first, then the other budgets seed by seed, so a grid cut short still has every seed of one budget.
if (flags.order === "priority") {
  const rank = (j) => (j.budget === null || j.budget === flags["transfer-budget"] ? 0 : 1);
  jobs.sort((a, b) => rank(a) - rank(b) || a.seed - b.seed);
}

if (flags["dry-run"]) {
  for (const j of jobs) process.stdout.write(`${j.id}: s3pet ${j.args.join(" ")} --out ${relative(ROOT, j.runDir)}\n`);
  process.exit(0);
}

// --- run the grid, N jobs at a time; a job waits for the search whose structure it re-trains
const done = new Map(); // id -> { ok, results?, error? }
const pending = [...jobs];
const running = new Set();
const parallel = Number(flags.jobs);
await new Promise((resolveAll) => {
  const pump = () => {
    while (running.size < parallel) {
      const i = pending.findIndex((j) => !j.after || done.has(j.after));
      if (i < 0) break;
      const [job] = pending.splice(i, 1);
      const task = runJob(job).then((outcome) => {
        done.set(job.id, outcome);
        running.delete(task);
        const n = done.size;
        process.stderr.write(`[${n}/${jobs.length}] ${job.id}: ${outcome.ok ? `test ${outcome.results.retrained.test.toFixed(3)} in ${Math.round(outcome.results.seconds)} s${outcome.skipped ? " (done earlier)" : ""}` : `FAILED ${outcome.error}`} (load ${loadavg()[0].toFixed(2)})\n`);
        pump();
      });
      running.add(task);
    }
    if (running.size === 0 && pending.length === 0) resolveAll(undefined);
  };
  pump();
});

/** @returns {Promise<{ ok: boolean, skipped?: boolean, results?: any, error?: string }>} */
function runJob(job) {
  const resultsFile = join(job.runDir, "results.json");
  if (existsSync(resultsFile)) return Promise.resolve({ ok: true, skipped: true, results: JSON.parse(readFileSync(resultsFile, "utf8")) });
  if (flags["report-only"]) return Promise.resolve({ ok: false, error: "not run (yet)" });
  if (job.after && !done.get(job.after)?.ok) return Promise.resolve({ ok: false, error: `its source run ${job.after} failed` });
  mkdirSync(dirname(job.runDir), { recursive: true });
  const resume = existsSync(join(job.runDir, "cli.json")) ? ["--resume"] : [];
  const args = [BIN, ...job.args, "--out", job.runDir, "--json", "--ui", "plain", ...resume];
  const log = createWriteStream(`${job.runDir}.log`, { flags: "a" });
  log.write(`$ node ${args.join(" ")}\n`);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, CI: undefined, FORCE_COLOR: "0" } });
    let stdout = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.pipe(log);
    child.on("close", (code) => {
      log.end();
      if (code === 0 && existsSync(resultsFile)) resolve({ ok: true, results: JSON.parse(readFileSync(resultsFile, "utf8")) });
      else resolve({ ok: false, error: `exit ${code}: ${lastErrorLine(`${job.runDir}.log`)}` });
    });
  });
}

// --- aggregate and report
const runs = jobs.map((j) => {
  const o = done.get(j.id);
  return { id: j.id, task: j.task, seed: j.seed, row: j.row, budget: j.budget, source: j.source ?? null, command: `s3pet ${j.args.join(" ")}`, ok: o?.ok ?? false, error: o?.error ?? null, results: o?.results ?? null };
});
const report = {
  // The grid's command: --report-only and --write-docs only re-render it.
  command: `node tools/bench/quality/quality.mjs ${process.argv.slice(2).filter((a) => a !== "--report-only" && a !== "--write-docs").join(" ")}`.trim(),
  date: new Date().toISOString(),
  seconds: (Date.now() - started) / 1000,
  machine: { cpu: cpus()[0]?.model ?? "unknown", cores: cpus().length, memoryGiB: totalmem() / 2 ** 30, node: process.versions.node, load1AtStart, load1AtEnd: loadavg()[0] },
  protocol: { flags: [...protocol, ...petLr], searchFlags: searchOnly, fullLr: fullLr[1] ?? null, tasks, budgets, seeds, jobs: parallel, loraRank: Object.fromEntries(budgets.map((b) => [b, Number(loraRank(b))])), transferBudget: flags["transfer-budget"] },
  ablations: ablations.map(({ axis, value, flags: f }) => ({ axis, value, flags: f })),
  summary: aggregateQuality(runs),
  runs,
};
if (flags.out) writeJsonAtomic(flags.out, report);
publishMarkdown(report);

/** Prints the report's markdown and, with --write-docs, puts it in docs/BENCHMARKS.md's quality section
 *  (or its search-ablation section, for a report run with --ablate). */
function publishMarkdown(report) {
  const ablation = report.ablations?.length > 0;
  const markdown = ablation ? renderAblationMarkdown(report) : renderQualityMarkdown(report);
  process.stdout.write(`${markdown}\n`);
  if (flags["write-docs"]) replaceDocSection(join(ROOT, "docs/BENCHMARKS.md"), ablation ? "quality-ablation" : "quality", markdown);
}

/** The CLI's one-line error (`s3pet: ...` / `...Error: ...`) from a run's log, else its last line. */
function lastErrorLine(logFile) {
  const lines = existsSync(logFile) ? readFileSync(logFile, "utf8").trim().split("\n") : [];
  return [...lines].reverse().find((l) => /error|s3pet:/i.test(l))?.trim() ?? lines.at(-1) ?? "no log";
}

function list(s) {
  return s.split(",").map((x) => x.trim()).filter(Boolean);
}
