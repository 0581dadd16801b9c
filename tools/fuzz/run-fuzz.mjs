#!/usr/bin/env node
// The long fuzz mode: `node tools/fuzz/run-fuzz.mjs [--cases N] [--cli N] [--processes N] [--seed S] [--json]`;
// `--render report.json` prints a saved --json report as the Markdown table of docs/BENCHMARKS.md.
// Runs N seeded cases of every loader target (safetensors bytes and header, config.json, tokenizer files,
// dataset rows), --cli flag vectors through the in-process CLI and --processes through real `s3pet`
// processes (built packages: run `npm run build` first). Prints a table (or --json) and exits 1 on any
// finding. docs/BENCHMARKS.md "Reliability" records a run of it.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: {
    cases: { type: "string", default: "2000" },
    cli: { type: "string", default: "500" },
    processes: { type: "string", default: "40" },
    seed: { type: "string", default: "1" },
    json: { type: "boolean", default: false },
    render: { type: "string" },
  },
});
if (values.render !== undefined) {
  let report;
  try {
    report = JSON.parse(readFileSync(values.render, "utf8"));
  } catch (error) {
    console.error(`run-fuzz: --render ${values.render}: cannot read a report (${error.code ?? error.message}); pass a file written by --json`);
    process.exit(2);
  }
  console.log(renderMarkdown(report));
  process.exit(0);
}
const { fuzz } = await import("./fuzz-targets.mjs");
const int = (name) => {
  const n = Number(values[name]);
  if (!Number.isSafeInteger(n) || n < 0) {
    console.error(`run-fuzz: --${name} must be a non-negative integer, got '${values[name]}'`);
    process.exit(2);
  }
  return n;
};
const started = Date.now();
const report = await fuzz({
  seed: int("seed"),
  cases: int("cases"),
  cliCases: int("cli"),
  processCases: int("processes"),
  log: values.json ? () => {} : (c) => console.error(`${c.target}: ${c.cases} cases, ${c.ok} ok, ${c.inputError} exit-2, ${c.findings} findings, slowest ${c.maxMs} ms (${c.maxCpuMs} ms CPU)`),
});
const total = report.results.reduce((a, r) => ({ cases: a.cases + r.cases, findings: a.findings + r.findings }), { cases: 0, findings: 0 });
const full = { ...report, totalCases: total.cases, findings: total.findings, seconds: Math.round((Date.now() - started) / 1000), node: process.version };
if (values.json) console.log(JSON.stringify(full, null, 2));
else {
  for (const r of report.results.filter((r) => r.findings > 0)) console.log(`FINDING in ${r.target}: ${r.error}\n  counterexample: ${r.counterexample}`);
  console.log(`${total.cases} cases, ${total.findings} findings, peak RSS ${report.peakRssMB} MB, ${full.seconds} s`);
}
process.exit(total.findings > 0 ? 1 : 0);

function renderMarkdown(r) {
  const rows = r.results.map((t) => `| ${t.target} | ${t.cases.toLocaleString("en-US")} | ${t.ok} | ${t.inputError} | ${t.findings} | ${t.maxMs} | ${t.target.includes("real processes") ? "–" : (t.maxCpuMs ?? "–")} | ${t.seconds} |`);
  return [
    "| target | cases | success | exit 2 (one line) | findings | slowest case, ms (wall) | slowest case, ms (CPU) | seconds |",
    "|---|---:|---:|---:|---:|---:|---:|---:|",
    ...rows,
    `| **total** | **${r.totalCases.toLocaleString("en-US")}** | ${r.results.reduce((n, t) => n + t.ok, 0)} | ${r.results.reduce((n, t) => n + t.inputError, 0)} | **${r.findings}** | | | ${r.seconds} |`,
    "",
    `Seed ${r.seed}, ${r.node}, peak RSS of the fuzzing process ${r.peakRssMB} MB.`,
  ].join("\n");
}
