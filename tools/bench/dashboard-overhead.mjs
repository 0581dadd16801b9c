#!/usr/bin/env node
// @ts-check
// What the dashboard costs training: the same small `s3pet search` run with `--ui plain` and with
// `--ui tui`, each in a pseudo-terminal (script(1), 120x40, CI unset so ink draws every frame), in
// ABBA order to spread machine noise; steps/s is read from each run's events.jsonl (step events of the
// search and retrain phases: (n - 1) steps over the time from their first to their last step event).
// Run after a build:  node tools/bench/dashboard-overhead.mjs [--repeats 2] [--out file.json] [--doc docs/BENCHMARKS.md]
// Other flags: --model <dir> (default assets/backbone, or a random BERT of its configuration while it has
// no weights), --max-examples 256, --epochs 1, --max-length 64, --budget 0.1%.
// --from <report.json> --doc <file>: write the section of a report saved with --out, without running.
// --synthetic [--steps 300 --step-ms 100]: instead of a search, a loop of fixed CPU work per "step" that
// yields to the event loop between steps and emits the fixture run's events, shown by the CLI's reporter:
// the dashboard's cost alone, independent of the engine.
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
    synthetic: { type: "boolean", default: false },
    steps: { type: "string", default: "300" },
    "step-ms": { type: "string", default: "100" },
    child: { type: "string" }, // internal: run the synthetic loop with this --ui, write its result to --out
    iterations: { type: "string" }, // internal: the work of one step, calibrated once by the parent
    from: { type: "string" }, // a report saved with --out: write its --doc section without running again
  },
});

/** The synthetic run, inside the pty: fixed work per step, yield, emit; returns steps/s of the loop. */
async function syntheticChild(/** @type {string} */ ui, /** @type {string} */ resultPath) {
  const { Subject } = await import("rxjs");
  const { createReporter } = await import(join(ROOT, "packages/cli/dist/reporters/create-reporter.js"));
  const fixture = readFileSync(join(ROOT, "packages/dashboard/test-fixtures/search-run/events.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
  const runStart = fixture[0];
  const gates = fixture.filter((e) => e.type === "gates");
  const steps = Number(values.steps);
  const iterations = Number(values.iterations);
  let sink = 0;

  const events$ = new Subject();
  const reporter = createReporter(ui, events$, { stdout: process.stdout, quitAction: "stop", onQuit: () => undefined });
  // Measured once the reporter runs (the dashboard loads React and ink once, at start).
  events$.next({ ...runStart, time: Date.now() });
  await new Promise((r) => setTimeout(r, 3000));
  const started = performance.now();
  let busy = 0; // ms in the steps' work; the rest of the loop is events, reporting and drawing
  events$.next({ type: "phase", time: Date.now(), phase: "search", totalSteps: steps });
  for (let k = 1; k <= steps; k++) {
    const workStarted = performance.now();
    for (let i = 0; i < iterations; i++) sink += Math.sqrt(i + (sink % 7)); // the step's fixed work
    busy += performance.now() - workStarted;
    events$.next({ type: "step", time: Date.now(), phase: "search", step: k, totalSteps: steps, loss: 1 / k, alphaLoss: 1.1 / k, lr: 3e-4, tokensPerSecond: 5000 });
    if (k % 10 === 0) {
      const g = gates[Math.min(gates.length - 1, k / 10 - 1)];
      events$.next({ type: "gates", time: Date.now(), step: k, p: g.p, alpha: g.alpha });
      events$.next({ type: "budget", time: Date.now(), step: k, budget: 20000, soft: 20000, shift: 1 });
    }
    await new Promise((r) => setImmediate(r)); // what the engine must do between steps
  }
  const seconds = (performance.now() - started) / 1000;
  events$.next({ type: "run-end", time: Date.now(), status: "done", elapsedMs: Math.round(seconds * 1000) });
  events$.complete();
  await reporter.done;
  writeFileSync(resultPath, JSON.stringify({ ui, steps, seconds, stepsPerSecond: steps / seconds, reportingShare: 1 - busy / 1000 / seconds, sink: sink > 0 }));
}

if (values.child !== undefined) {
  await syntheticChild(values.child, /** @type {string} */ (values.out));
  process.exit(0);
}

const quote = (/** @type {string} */ s) => `'${s.replaceAll("'", "'\\''")}'`;

/** Loop iterations that take about `ms` here (calibrated once, so every child does the same work). */
function calibrateIterations(/** @type {number} */ ms) {
  let sink = 0;
  const n = 5e6;
  const started = performance.now();
  for (let i = 0; i < n; i++) sink += Math.sqrt(i + (sink % 7));
  return Math.round((n / (performance.now() - started)) * ms) + (sink > 0 ? 0 : 1);
}

/** Runs the synthetic loop with `ui` in a 120x40 pseudo-terminal; returns its step rate. */
function runSynthetic(/** @type {string} */ ui, /** @type {string} */ out, /** @type {number} */ iterations) {
  const self = new URL(import.meta.url).pathname;
  const argv = ["node", self, "--child", ui, "--out", out, "--steps", values.steps, "--iterations", String(iterations)];
  const command = `stty cols 120 rows 40; env -u CI -u CONTINUOUS_INTEGRATION TERM=xterm-256color ${argv.map(quote).join(" ")}`;
  const run = spawnSync("script", ["-qec", command, "/dev/null"], { stdio: ["ignore", "pipe", "inherit"], maxBuffer: 1 << 28 });
  if (run.status !== 0) throw new Error(`synthetic run with --ui ${ui} exited with ${run.status}: ${run.stdout.toString().slice(-2000)}`);
  const result = JSON.parse(readFileSync(out, "utf8"));
  return {
    ui,
    stepsPerSecond: result.stepsPerSecond,
    /** Share of the loop's time not spent in the steps' work: events, reporting, drawing (and machine noise). */
    reportingShare: result.reportingShare,
    phases: { synthetic: { steps: result.steps, seconds: result.seconds, stepsPerSecond: result.stepsPerSecond } },
    wallSeconds: result.seconds,
  };
}

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

/** The measured report, from runs here or (`--from`) from a saved `--out` file. */
async function measure() {
  if (values.from !== undefined) return JSON.parse(readFileSync(values.from, "utf8"));
  const { dir: model, note } = values.synthetic
    ? { dir: "", note: `synthetic: ${values.steps} steps of ~${values["step-ms"]} ms of fixed CPU work, a macrotask yield after each, the fixture run's events` }
    : await ensureModel(values.model);
  const work = mkdtempSync(join(tmpdir(), "s3pet-bench-dashboard-"));
  const iterations = values.synthetic ? calibrateIterations(Number(values["step-ms"])) : 0;
  /** @type {any[]} */
  const runs = [];
  try {
    for (let r = 0; r < Number(values.repeats); r++) {
      for (const ui of r % 2 === 0 ? ["plain", "tui"] : ["tui", "plain"]) {
        const result = values.synthetic ? runSynthetic(ui, join(work, `${ui}-${r}.json`), iterations) : runSearch(ui, model, join(work, `${ui}-${r}`));
        const share = "reportingShare" in result ? `, ${(100 * result.reportingShare).toFixed(1)}% of the loop outside the steps` : "";
        process.stderr.write(`${ui.padEnd(5)} repeat ${r + 1}: ${result.stepsPerSecond.toFixed(3)} steps/s (wall ${result.wallSeconds.toFixed(1)} s${share})\n`);
        runs.push(result);
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const mean = (/** @type {string} */ ui, /** @type {(r: any) => number} */ of) => {
    const xs = runs.filter((r) => r.ui === ui).map(of);
    return xs.reduce((a, b) => a + b, 0) / xs.length;
  };
  const plain = mean("plain", (r) => r.stepsPerSecond);
  const tui = mean("tui", (r) => r.stepsPerSecond);
  return {
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, model: cpus()[0]?.model ?? "?", loadavg1: Number(loadavg()[0].toFixed(2)), node: process.version, nodeEnv: process.env.NODE_ENV ?? null },
    model: note,
    settings: values.synthetic
      ? { synthetic: true, steps: Number(values.steps), stepMs: Number(values["step-ms"]), repeats: Number(values.repeats) }
      : { maxExamples: Number(values["max-examples"]), epochs: Number(values.epochs), maxLength: Number(values["max-length"]), budget: values.budget, repeats: Number(values.repeats) },
    stepsPerSecond: { plain: Number(plain.toFixed(4)), tui: Number(tui.toFixed(4)) },
    /** How much slower training runs with the dashboard, in percent (negative: within noise). */
    overheadPercent: Number((100 * (1 - tui / plain)).toFixed(2)),
    // Synthetic: mean share of the loop outside the steps' work (steadier than steps/s on a busy machine).
    ...(values.synthetic
      ? (() => {
          const shares = { plain: Number((100 * mean("plain", (r) => r.reportingShare)).toFixed(2)), tui: Number((100 * mean("tui", (r) => r.reportingShare)).toFixed(2)) };
          return { percentOfLoopOutsideSteps: shares, drawingPercent: Number((shares.tui - shares.plain).toFixed(2)) };
        })()
      : {}),
    runs,
  };
}

/** The BENCHMARKS.md section of a report. */
function section(/** @type {any} */ report) {
  const synthetic = report.settings.synthetic === true;
  const s = report.settings;
  const flags = synthetic ? ` --synthetic --steps ${s.steps} --step-ms ${s.stepMs}` : ` --max-examples ${s.maxExamples} --epochs ${s.epochs} --max-length ${s.maxLength} --budget ${s.budget}`;
  const what = synthetic
    ? `${report.model}, shown by the CLI's reporter in a 120x40 pseudo-terminal`
    : `Backbone: ${report.model}. \`s3pet search\` with those flags in a 120x40 pseudo-terminal; steps/s from events.jsonl`;
  const rows = report.runs.map((/** @type {any} */ r, /** @type {number} */ i) => {
    const phases = Object.entries(r.phases).map(([phase, p]) => `${phase} ${/** @type {any} */ (p).stepsPerSecond.toFixed(3)}`).join(", ");
    const share = "reportingShare" in r ? `, ${(100 * r.reportingShare).toFixed(1)}% outside steps` : "";
    return `| ${i + 1} | ${r.ui} | ${r.stepsPerSecond.toFixed(3)} | ${phases}${share} | ${r.wallSeconds.toFixed(1)} |`;
  });
  return [
    `## Dashboard overhead${synthetic ? " (synthetic loop)" : ""}`,
    "",
    `\`node tools/bench/dashboard-overhead.mjs --repeats ${s.repeats}${flags}\` on ${report.date.slice(0, 10)}, ${report.machine.cpus} cores (${report.machine.model}), load ${report.machine.loadavg1} at the end, Node ${report.machine.node}, NODE_ENV ${report.machine.nodeEnv ?? "unset"} (React development build).`.replace(/, NODE_ENV production \(React development build\)/, ", NODE_ENV production"),
    `${what}; plain and tui in ABBA order.`,
    "",
    "| run | ui | steps/s | per phase | s |",
    "|---|---|---|---|---|",
    ...rows,
    "",
    `Mean: plain ${report.stepsPerSecond.plain.toFixed(3)} steps/s, tui ${report.stepsPerSecond.tui.toFixed(3)} steps/s: the dashboard costs **${report.overheadPercent}%** of training speed.`,
    ...(synthetic
      ? [
          "",
          `Time of the loop outside the steps' work (events, reporting, drawing): plain ${report.percentOfLoopOutsideSteps.plain}%, tui ${report.percentOfLoopOutsideSteps.tui}%, so drawing takes **${report.drawingPercent}%** of the time (steadier than steps/s when other processes share the cores).`,
        ]
      : []),
  ].join("\n");
}

const report = await measure();
const json = JSON.stringify(report, null, 2);
process.stdout.write(`${json}\n`);
if (values.out && values.from === undefined) writeFileSync(values.out, `${json}\n`);
if (values.doc) {
  const { replaceDocSection } = await import("./replace-doc-section.mjs");
  replaceDocSection(values.doc, report.settings.synthetic === true ? "dashboard-overhead-synthetic" : "dashboard-overhead", section(report));
}
