// @ts-check
// The "paired by seed" section of docs/BENCHMARKS.md from a quality.mjs report made with --paired: per cell the
// two rows' scores seed by seed, their differences and the one-sided paired t-test at the level fixed before
// the runs.
import { seedStats } from "@s3pet/sweep";
import { parseVariantRow } from "./grid-runs.mjs";
import { fmt, protocolLines, ROW_LABELS } from "./render-quality-markdown.mjs";

const signed = (x) => (x === null || x === undefined ? "–" : `${x >= 0 ? "+" : "−"}${Math.abs(x).toFixed(3)}`);

/** `s3pet` -> "S3PET, mixed space"; `s3pet~retrain-epochs=6` -> "S3PET, mixed space, --retrain-epochs 6". */
const labelOf = (row) => {
  const v = parseVariantRow(row);
  return v ? `${ROW_LABELS[v.row] ?? v.row}, --${v.axis} ${v.value}` : ROW_LABELS[row] ?? row;
};

export function renderPairedMarkdown(report) {
  const { rowA, rowB, alpha, cells } = report.paired;
  const [a, b] = [labelOf(rowA), labelOf(rowB)];
  const lines = [`## Quality, paired by seed: \`${rowA}\` against \`${rowB}\``, ""];
  lines.push(
    `Re-trained test accuracy of \`${rowA}\` (${a}) and \`${rowB}\` (${b}) on the same seeds. A seed fixes the data split, the`,
    "head's init and the batch order, so the two runs of a pair differ only in the row. The question, fixed before",
    `the runs: is \`${rowA}\` above \`${rowB}\` in a cell? One-sided paired t-test of the per-seed differences, above when`,
    `p < ${alpha} in that cell.`,
    "",
    ...protocolLines(report),
    "",
    `| task | budget | seeds | \`${rowA}\` | \`${rowB}\` | differences by seed | mean difference | t (df) | p, one-sided | above at p < ${alpha} |`,
    "|---|---|---|---|---|---|---|---|---|---|",
  );
  for (const c of cells) {
    const t = c.t === null ? "–" : `${c.t.toFixed(2)} (${c.df})`;
    const p = c.p !== null ? (c.p < 0.001 ? "< 0.001" : c.p.toFixed(3)) : c.seeds.length < 2 ? "– (under 2 pairs)" : "– (every pair differs equally)";
    lines.push(`| ${c.task} | ${c.budget ?? "–"} | ${c.seeds.join(", ")} | ${fmt(seedStats(c.a))} | ${fmt(seedStats(c.b))} | ${c.differences.map(signed).join(" ")} | ${signed(c.mean)} | ${t} | ${p} | ${c.above ? "**yes**" : "no"} |`);
  }
  lines.push("");
  const tested = cells.filter((c) => c.p !== null);
  const above = cells.filter((c) => c.above);
  const where = above.map((c) => `\`${c.task}\` at ${c.budget}`).join(", ");
  lines.push(`\`${rowA}\` is above \`${rowB}\` in ${above.length} of the ${tested.length} cell${tested.length === 1 ? "" : "s"} that could be tested${above.length ? ` (${where})` : ""}${tested.length < cells.length ? `; ${cells.length - tested.length} could not be` : ""}.`, "");
  return lines.join("\n");
}
