#!/usr/bin/env node
// @ts-check
// What the dashboard costs training: the same small `s3pet search` run with `--ui plain` and with
// `--ui tui`, each in a pseudo-terminal (script(1), 120x40, CI unset so ink draws every frame), in
// ABBA order to spread machine noise; steps/s is read from each run's events.jsonl (step events of the
// search and retrain phases: (n - 1) steps over the time from their first to their last step event).
// Run after a build:  node tools/bench/dashboard-overhead.mjs [--repeats 2] [--out file.json] [--doc docs/BENCHMARKS.md]
// Other flags: --model <dir> (default assets/backbone, or a random BERT of its configuration while it has
// no weights), --max-examples 256, --epochs 1, --max-length 64, --budget 0.1%.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { ensureModel } from "./speed/ensure-model.mjs";

const ROOT = new URL("../..", import.meta.url).pathname;
const BIN = join(ROOT, "packages/cli/dist/bin.js");

const { values } = parseArgs({
  options: {
    repeats: { type: "string", default: "2" },
    model: { type: "string", default: join(ROOT, "assets/backbone") },
    "max-examples": { type: "string", default: "256" },
    epochs: { type: "string", default: "1" },
    "max-length": { type: "string", default: "64" },
    budget: { type: "string", default: "0.1%" },
    out: { type: "string" },
    doc: { type: "string" },
  },
});

const quote = (/** @type {string} */ s) => `'${s.replaceAll("'", "'\\''")}'`;

/** Runs one search with `ui` in a 120x40 pseudo-terminal; returns its step rates. */
function runSearch(/** @type {string} */ ui, /** @type {string} */ model, /** @type {string} */ out) {
  const argv = ["node", BIN, "search", "--model", model, "--max-examples", values["max-examples"], "--epochs", values.epochs, "--max-length", values["max-length"], "--budget", values.budget, "--seed", "1", "--ui", ui, "--out", out];
  const command = `stty cols 120 rows 40; env -u CI -u CONTINUOUS_INTEGRATION TERM=xterm-256color ${argv.map(quote).join(" ")}`;
  const started = performance.now();
  const run = spawnSync("script", ["-qec", command, "/dev/null"], { stdio: ["ignore", "pipe", "inherit"], maxBuffer: 1 << 28 });
  const wallSeconds = (performance.now() - started) / 1000;
  if (run.status !== 0) throw new Error(`search with --ui ${ui} exited with ${run.status}: ${run.stdout.toString().slice(-2000)}`);
  const events = readFileSync(join(out, "events.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
  /** @type {Record<string, { steps: number, seconds: number, stepsPerSecond: number }>} */
  const phases = {};
  for (const phase of ["search", "retrain"]) {
    const times = events.filter((e) => e.type === "step" && e.phase === phase).map((e) => e.time);
    const seconds = (times.at(-1) - times[0]) / 1000;
    phases[phase] = { steps: times.length - 1, seconds, stepsPerSecond: (times.length - 1) / seconds };
  }
  const steps = phases.search.steps + phases.retrain.steps;
  const seconds = phases.search.seconds + phases.retrain.seconds;
  return { ui, stepsPerSecond: steps / seconds, phases, wallSeconds };
}

const { dir: model, note } = await ensureModel(values.model);
const work = mkdtempSync(join(tmpdir(), "s3pet-bench-dashboard-"));
const runs = [];
try {
  for (let r = 0; r < Number(values.repeats); r++) {
    for (const ui of r % 2 === 0 ? ["plain", "tui"] : ["tui", "plain"]) {
      const result = runSearch(ui, model, join(work, `${ui}-${r}`));
      process.stderr.write(`${ui.padEnd(5)} repeat ${r + 1}: ${result.stepsPerSecond.toFixed(3)} steps/s (wall ${result.wallSeconds.toFixed(1)} s)\n`);
      runs.push(result);
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

const mean = (/** @type {string} */ ui) => {
  const rates = runs.filter((r) => r.ui === ui).map((r) => r.stepsPerSecond);
  return rates.reduce((a, b) => a + b, 0) / rates.length;
};
const plain = mean("plain");
const tui = mean("tui");
const report = {
  date: new Date().toISOString(),
  machine: { cpus: cpus().length, model: cpus()[0]?.model ?? "?", loadavg1: Number(loadavg()[0].toFixed(2)), node: process.version },
  model: note,
  settings: { maxExamples: Number(values["max-examples"]), epochs: Number(values.epochs), maxLength: Number(values["max-length"]), budget: values.budget, repeats: Number(values.repeats) },
  stepsPerSecond: { plain: Number(plain.toFixed(4)), tui: Number(tui.toFixed(4)) },
  /** How much slower training runs with the dashboard, in percent (negative: within noise, faster). */
  overheadPercent: Number((100 * (1 - tui / plain)).toFixed(2)),
  runs,
};
const json = JSON.stringify(report, null, 2);
process.stdout.write(`${json}\n`);
if (values.out) writeFileSync(values.out, `${json}\n`);
if (values.doc) {
  const { replaceDocSection } = await import("./replace-doc-section.mjs");
  const rows = runs.map((r, i) => `| ${i + 1} | ${r.ui} | ${r.phases.search.stepsPerSecond.toFixed(3)} | ${r.phases.retrain.stepsPerSecond.toFixed(3)} | ${r.stepsPerSecond.toFixed(3)} | ${r.wallSeconds.toFixed(1)} |`);
  replaceDocSection(
    values.doc,
    "dashboard-overhead",
    [
      "## Dashboard overhead",
      "",
      `\`node tools/bench/dashboard-overhead.mjs --repeats ${values.repeats}\` on ${report.date.slice(0, 10)}, ${report.machine.cpus} cores (${report.machine.model}), load ${report.machine.loadavg1} at the end, Node ${report.machine.node}.`,
      `Backbone: ${note}. \`s3pet search --max-examples ${values["max-examples"]} --epochs ${values.epochs} --max-length ${values["max-length"]} --budget ${values.budget}\` in a 120x40 pseudo-terminal, plain and tui in ABBA order; steps/s from events.jsonl.`,
      "",
      "| run | ui | search steps/s | retrain steps/s | all steps/s | wall s |",
      "|---|---|---|---|---|---|",
      ...rows,
      "",
      `Mean: plain ${plain.toFixed(3)} steps/s, tui ${tui.toFixed(3)} steps/s: the dashboard costs **${report.overheadPercent}%** of training speed.`,
    ].join("\n"),
  );
}
