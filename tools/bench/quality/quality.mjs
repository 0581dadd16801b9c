#!/usr/bin/env node
// @ts-check
// Quality benchmark report (not a test): the paper's comparison at a scale that runs here. The runs are a
// sweep grid (docs/SWEEPS.md) that `s3pet sweep` runs, locally or on a queue, resumably; this script reads
// the finished runs of one or more grid files and writes the JSON report and the markdown table
// (mean ± std over seeds, win/tie/loss), optionally into docs/BENCHMARKS.md. Rows are told apart by the
// points' flags (grid-runs.mjs): search over every method, over LoRA only (`methods: lora`), over the
// paper's space (`space: s3pet-m`), `structure: random`, a preset, `full`, a transferred structure; a
// flag that is not common to every point makes a variant row (the search ablation's axes).
//
//   s3pet sweep tools/bench/quality/quality.grid.json --workers 2 --runs-dir <dir>    (the runs)
//   node tools/bench/quality/quality.mjs tools/bench/quality/quality.grid.json [<more grids>] --runs-dir <dir>
//     [--out results/x.json] [--write-docs] [--load-log <file of `date /proc/loadavg` lines>]
//   node tools/bench/quality/quality.mjs transfer-grid tools/bench/quality/quality.grid.json --runs-dir <dir>
//     --from spam [--budget 0.1%] --out <dir>/transfer.grid.json   (re-train the structures searched on
//     --from on the grid's other tasks: a second grid, as it needs the first one's finished searches)
//   node tools/bench/quality/quality.mjs --render results/x.json [--write-docs]: a saved report's markdown
//   --figures <dir> (with either): also one accuracy-against-budget SVG per task there (docs/figures for
//     BENCHMARKS.md), linked from the markdown
//   --paired <row>,<row> [--alpha 0.05] (with grid files): the first row against the second paired by seed, a
//     one-sided paired t-test per cell (paired-comparison.mjs); its markdown replaces the table, and
//     --write-docs puts it in the section `quality-paired-<name of --out>`
import { existsSync, readFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { basename, join, relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import { writeJsonAtomic } from "@s3pet/core";
import { readGridFile } from "@s3pet/sweep";
import { replaceDocSection } from "../replace-doc-section.mjs";
import { aggregateQuality } from "./aggregate-quality.mjs";
import { collectRuns, parseVariantRow, taskLabel } from "./grid-runs.mjs";
import { pairedComparison } from "./paired-comparison.mjs";
import { renderAblationMarkdown } from "./render-ablation-markdown.mjs";
import { renderPairedMarkdown } from "./render-paired-markdown.mjs";
import { renderQualityFigures } from "./render-quality-figures.mjs";
import { renderQualityMarkdown } from "./render-quality-markdown.mjs";

const ROOT = new URL("../../../", import.meta.url).pathname;

const { values: flags, positionals } = parseArgs({
  options: {
    "runs-dir": { type: "string" },
    out: { type: "string" },
    "write-docs": { type: "boolean" },
    render: { type: "string" },
    "load-log": { type: "string" },
    from: { type: "string" },
    budget: { type: "string", default: "0.1%" },
    figures: { type: "string" },
    paired: { type: "string" },
    alpha: { type: "string" },
  },
  allowPositionals: true,
  strict: true,
});

const fail = (message) => {
  process.stderr.write(`quality: ${message}\n`);
  process.exit(2);
};

if (flags.paired && (flags.render || positionals[0] === "transfer-grid")) fail("--paired: pass it with the grid files the sweep ran (a saved report keeps its own comparison; transfer-grid writes a grid)");
if (flags.paired && flags.figures) fail("--figures: a paired comparison has no figures; drop --figures or --paired");
if (flags.paired && flags["write-docs"] && !flags.out) fail("--write-docs: a paired comparison's docs section is named after its report; pass --out results/<name>.json too");
if (flags.alpha !== undefined && !flags.paired) fail(`--alpha ${flags.alpha}: it is the level of --paired's test; pass --paired <row>,<row> too`);

// --render: a saved report's markdown (its own commands, date and run time), nothing read or rewritten.
if (flags.render) {
  let saved;
  try {
    saved = JSON.parse(readFileSync(flags.render, "utf8"));
    if (!saved?.protocol || !saved?.summary) throw new Error("no protocol/summary: not a quality report");
  } catch (error) {
    fail(`--render ${flags.render}: ${error.message} (pass a report written by --out)`);
  }
  await publishMarkdown(saved, basename(flags.render, ".json"));
  process.exit(0);
}

const transfer = positionals[0] === "transfer-grid";
const gridFiles = transfer ? positionals.slice(1) : positionals;
if (!gridFiles.length) fail("pass the grid file(s) the sweep ran, e.g. tools/bench/quality/quality.grid.json --runs-dir <dir>");
if (!flags["runs-dir"]) fail("--runs-dir: pass the directory the sweep wrote its runs to (s3pet sweep ... --runs-dir <dir>)");
const runsDir = resolve(flags["runs-dir"]);
if (!existsSync(runsDir)) fail(`--runs-dir ${flags["runs-dir"]} does not exist (run the grid first: s3pet sweep <grid> --runs-dir ${flags["runs-dir"]})`);
let grids;
try {
  grids = gridFiles.map((f) => readGridFile(f, process.cwd()));
} catch (error) {
  fail(error.message);
}
const { protocol, searchProtocol, runs } = collectRuns(grids, runsDir);
const paired = flags.paired ? parsePairedFlag(flags.paired, flags.alpha ?? "0.05") : null;

if (transfer) {
  writeTransferGrid();
  process.exit(0);
}

const finished = runs.filter((r) => r.ok && r.startedAt);
const start = Math.min(...finished.map((r) => Date.parse(r.startedAt)));
const end = Math.max(...finished.map((r) => Date.parse(r.startedAt) + 1000 * r.results.seconds));
const tasks = [...new Set(runs.map((r) => r.task))];
const budgets = [...new Set(runs.map((r) => r.budget).filter((b) => b !== null))];
const seeds = [...new Set(runs.map((r) => r.seed))].sort((a, b) => a - b);
const report = {
  command: `node tools/bench/quality/quality.mjs ${process.argv.slice(2).filter((a) => a !== "--write-docs").join(" ")}`,
  sweep: gridFiles.map((f) => `s3pet sweep ${shownPath(resolve(f))} --runs-dir ${shownPath(runsDir)}`),
  date: finished.length ? new Date(end).toISOString() : new Date().toISOString(),
  // wall time from the first run's start to the last one's end, so a resumed grid counts its pauses too
  seconds: finished.length ? (end - start) / 1000 : 0,
  machine: { cpu: cpus()[0]?.model ?? "unknown", cores: cpus().length, memoryGiB: totalmem() / 2 ** 30, node: process.versions.node, load1AtEnd: loadavg()[0], load: loadDuring(start, end) },
  protocol: {
    flags: Object.entries(protocol).flatMap(([k, v]) => [`--${k}`, String(v)]),
    searchFlags: Object.entries(searchProtocol).flatMap(([k, v]) => [`--${k}`, String(v)]),
    tasks,
    budgets,
    seeds,
    jobs: maxOverlap(finished.map((r) => [Date.parse(r.startedAt), Date.parse(r.startedAt) + 1000 * r.results.seconds])),
    transferBudget: runs.find((r) => r.row.startsWith("transfer-from-"))?.budget ?? flags.budget,
  },
  // the variants' CLI defaults, from a run without the variant's flag (its run.json)
  defaults: variantDefaults(runs),
  summary: aggregateQuality(runs),
  ...(paired ? { paired: { ...paired, cells: pairedComparison(runs, paired) } } : {}),
  runs: runs.map(({ config: _config, ...r }) => r),
};
if (flags.out) writeJsonAtomic(flags.out, report);
await publishMarkdown(report, flags.out ? basename(flags.out, ".json") : "quality");

/** Prints the report's markdown and, with --write-docs, puts it in docs/BENCHMARKS.md's quality section
 *  (its search-ablation section for a grid with variant rows, its paired section for a --paired report);
 *  with --figures, renders the figures (`<figures>/<name>-<task>.svg`) first and links them, relative to docs/. */
async function publishMarkdown(report, name) {
  const ablation = report.summary.cells.some((c) => parseVariantRow(c.row));
  const figures = flags.figures && !ablation && !report.paired ? await renderQualityFigures(report, resolve(flags.figures), name) : {};
  const linked = Object.fromEntries(Object.entries(figures).map(([task, path]) => [task, relative(join(ROOT, "docs"), path)]));
  const markdown = report.paired ? renderPairedMarkdown(report) : ablation ? renderAblationMarkdown(report) : renderQualityMarkdown(report, linked);
  process.stdout.write(`${markdown}\n`);
  for (const path of Object.values(figures)) process.stderr.write(`quality: wrote ${shownPath(path)}\n`);
  // one section per paired comparison, named after its report (`quality-paired-mixed-vs-lora`; --out is required)
  if (flags["write-docs"]) replaceDocSection(join(ROOT, "docs/BENCHMARKS.md"), report.paired ? `quality-paired-${name}` : ablation ? "quality-ablation" : "quality", markdown);
}

/** `--paired s3pet,s3pet-lora --alpha 0.025`: the two rows and the test's level, checked against the grid. */
function parsePairedFlag(spec, alphaText) {
  const [rowA, rowB, ...rest] = spec.split(",");
  const rows = new Set(runs.map((r) => r.row));
  if (!rowA || !rowB || rest.length || rowA === rowB) fail(`--paired ${spec}: pass two different rows, e.g. --paired s3pet,s3pet-lora`);
  for (const row of [rowA, rowB]) if (!rows.has(row)) fail(`--paired ${spec}: the grid has no row ${row} (its rows: ${[...rows].join(", ")})`);
  const alpha = Number(alphaText);
  if (!(alpha > 0 && alpha < 1)) fail(`--alpha ${alphaText}: pass the test's level, a number between 0 and 1 (e.g. 0.025)`);
  return { rowA, rowB, alpha };
}

function shownPath(p) {
  return p.startsWith(ROOT) ? relative(ROOT, p) : p;
}

/** The most runs that overlapped in time: how many ran in parallel. */
function maxOverlap(intervals) {
  const edges = intervals.flatMap(([a, b]) => [[a, 1], [b, -1]]).sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  let n = 0, max = 0;
  for (const [, d] of edges) max = Math.max(max, (n += d));
  return max;
}

/** Mean and max of the 1-minute load average over [from, to] from a log of `<ISO date> <loadavg fields>` lines. */
function loadDuring(from, to) {
  if (!flags["load-log"]) return null;
  const samples = readFileSync(flags["load-log"], "utf8").split("\n").map((l) => l.trim().split(/\s+/)).filter((f) => f.length > 1)
    .map(([date, load1]) => [Date.parse(date), Number(load1)]).filter(([t, l]) => t >= from && t <= to && Number.isFinite(l)).map(([, l]) => l);
  if (!samples.length) return null;
  return { mean: samples.reduce((s, x) => s + x, 0) / samples.length, max: Math.max(...samples), samples: samples.length };
}

/** For every varied flag, its value in the base runs (e.g. shift-gradient: implicit), read from run.json. */
function variantDefaults(runs) {
  const base = runs.find((r) => r.row === "s3pet" && r.config)?.config;
  const out = {};
  for (const r of runs) {
    const v = parseVariantRow(r.row);
    if (!v || v.axis in out || !base) continue;
    // `lora.rank` is a method option (absent: the plugin's default); the rest are engine keys
    const [method, option] = v.axis.split(".");
    const value = option ? base.methodOptions?.[method]?.[option] : base[v.axis.replace(/-([a-z])/g, (_, c) => c.toUpperCase())];
    out[v.axis] = value === undefined ? "plugin default" : value === null ? (v.axis === "eval-every" ? "epoch" : "–") : value === true ? "on" : value === false ? "off" : String(value);
  }
  return out;
}

/** A grid of `train --structure <searched run>` on every other task, for the searches finished on --from. */
function writeTransferGrid() {
  if (!flags.from) fail("transfer-grid: --from <task> names the task whose searched structures are transferred");
  if (!flags.out) fail("transfer-grid: --out <file.json> is where the transfer grid goes");
  const sources = runs.filter((r) => r.ok && r.row === "s3pet" && r.task === flags.from && r.budget === flags.budget);
  if (!sources.length) fail(`transfer-grid: no finished mixed-space search on ${flags.from} at ${flags.budget} in ${runsDir}`);
  const points = grids.flatMap((g) => g.points.map((p) => ({ p, cwd: g.cwd })));
  // each target task as the grid gave it, made absolute (the transfer grid lives elsewhere)
  const targets = new Map(points.map(({ p, cwd }) => [taskLabel(p.flags.task), existsSync(resolve(cwd, String(p.flags.task))) ? resolve(cwd, String(p.flags.task)) : p.flags.task]));
  const grid = sources.flatMap((s) =>
    [...targets].filter(([label]) => label !== flags.from).map(([, task]) => ({ command: "train", ...protocol, task, seed: s.seed, structure: join(runsDir, s.id) })),
  );
  writeJsonAtomic(flags.out, grid);
  process.stdout.write(`quality: ${grid.length} transfer runs in ${flags.out}; run them with s3pet sweep ${flags.out} --runs-dir ${flags["runs-dir"]}\n`);
}
