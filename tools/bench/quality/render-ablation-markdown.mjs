// @ts-check
// The "Search ablation" section of docs/BENCHMARKS.md from a quality report whose grid has variant rows
// (`s3pet~<flag>=<value>`): the base search (every setting at its CLI default) first, then one line per
// value of each varied setting, then the reference rows (other searches, presets). Per budget and task:
// the re-trained test score (mean ± sample std over seeds) with the soft supernet's in brackets; then
// the parameters chosen (and LoRA's share of them), the run time, and how the value compares with the
// defaults: a win or loss when the means differ by more than the larger std, else a tie.
import { parseVariantRow } from "./grid-runs.mjs";
import { fmt, machineLine, versus } from "./render-quality-markdown.mjs";

const REFERENCE_LABELS = {
  s3pet: "search, every method",
  "s3pet-lora": "search, LoRA only",
  "s3pet-m": "search, S3PET-M space",
  random: "random structure",
  full: "full fine-tuning",
};

export function renderAblationMarkdown(report) {
  const { summary, protocol } = report;
  const cols = protocol.budgets.flatMap((budget) => protocol.tasks.map((task) => ({ budget, task })));
  const cellOf = (row, c) => summary.cells.find((x) => x.row === row && x.task === c.task && (x.budget === null || x.budget === c.budget));
  const variants = summary.cells.map((c) => ({ cell: c, v: parseVariantRow(c.row) })).filter((x) => x.v);
  const base = [...new Set(variants.map((x) => x.v.row))][0] ?? "s3pet";
  const lines = ["## Search ablation", ""];
  lines.push(
    `One setting of the search (${REFERENCE_LABELS[base] ?? base}) changed at a time, every other at its CLI default. Re-trained test`,
    "accuracy (mean ± sample std over seeds), the soft supernet's test accuracy in brackets; params is the chosen structure's",
    "size (LoRA's share of it); vs defaults: win or loss when the means differ by more than the larger std, else tie.",
    "",
  );
  for (const c of report.sweep ?? []) lines.push(`- Runs: \`${c} --workers ${protocol.jobs}\``);
  lines.push(`- Report: \`${report.command}\``);
  lines.push(`- Date: ${report.date}; ${(report.seconds / 60).toFixed(0)} min wall time for ${report.runs.filter((r) => r.ok).length} runs, up to ${protocol.jobs} at a time`);
  lines.push(`- Machine: ${machineLine(report)}`);
  lines.push(`- Protocol (every run): \`${protocol.flags.join(" ") || "(CLI defaults)"}\`; seeds ${protocol.seeds.join(", ")}`);
  lines.push("");

  const head = cols.map((c) => `${c.task} ${c.budget}`);
  lines.push(`| setting | value | ${head.join(" | ")} | params (LoRA) | s per run | vs defaults |`);
  lines.push(`|---|---|${head.map(() => "---|").join("")}---|---|---|`);
  const line = (setting, value, row) => {
    const cells = cols.map((c) => cellOf(row, c));
    const shown = cells.map((cell) => (cell?.test ? `${fmt(cell.test)}${cell.supernet ? ` (${cell.supernet.mean.toFixed(3)})` : ""}${cell.n < protocol.seeds.length ? ` (n=${cell.n})` : ""}` : "–"));
    const done = cells.filter((c) => c?.test);
    const params = done.length ? done.reduce((s, c) => s + c.params, 0) / done.length : NaN;
    const lora = done.length ? done.reduce((s, c) => s + (c.methods?.lora ?? 0), 0) / done.length : NaN;
    const seconds = done.length ? done.reduce((s, c) => s + c.seconds, 0) / done.length : NaN;
    const vs = row === base ? "–" : versusAll(cells, cols.map((c) => cellOf(base, c)));
    lines.push(`| ${setting} | ${value} | ${shown.join(" | ")} | ${Number.isFinite(params) ? `${Math.round(params).toLocaleString("en-US")} (${Math.round((100 * lora) / params)}%)` : "–"} | ${Number.isFinite(seconds) ? seconds.toFixed(0) : "–"} | ${vs} |`);
  };
  const defaults = report.defaults ?? {};
  line("defaults", Object.entries(defaults).map(([axis, value]) => `${axis} ${value}`).join(", ") || "CLI defaults", base);
  for (const axis of [...new Set(variants.map((x) => x.v.axis))]) {
    for (const value of [...new Set(variants.filter((x) => x.v.axis === axis).map((x) => x.v.value))]) line(axis, value, `${base}~${axis}=${value}`);
  }
  const references = [...new Set(summary.cells.filter((c) => c.row !== base && !parseVariantRow(c.row)).map((c) => c.row))];
  const label = (row) => REFERENCE_LABELS[row] ?? (row.startsWith("s3pet-") ? `search, --methods ${row.slice("s3pet-".length)}` : `${row} (preset)`);
  for (const row of references) line("reference", label(row), row);
  lines.push("");
  const failed = report.runs.filter((r) => !r.ok && !/^not run/.test(r.error ?? ""));
  if (failed.length) lines.push(`Failed runs (${failed.length}): ${failed.map((r) => `${r.id} (${r.error})`).join("; ")}`, "");
  const missing = report.runs.filter((r) => !r.ok && /^not run/.test(r.error ?? ""));
  if (missing.length) lines.push(`**Not run (time ran out): ${missing.length} of ${report.runs.length} runs**; the same \`s3pet sweep\` command resumes the grid and runs only these.`, "");
  return lines.join("\n").trimEnd();
}

/** Win/tie/loss of a row against the defaults over the columns where both have at least 2 seeds. */
function versusAll(cells, baseCells) {
  return cells.map((a, i) => versus(a, baseCells[i])).filter(Boolean).join(", ") || "–";
}
