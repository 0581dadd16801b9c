// @ts-check
// The "paired by seed" section of docs/BENCHMARKS.md from a quality.mjs report made with --paired: per cell the
// two rows' scores seed by seed, their differences and the one-sided paired t-test at the level fixed before
// the runs.
import { protocolLines, ROW_LABELS } from "./render-quality-markdown.mjs";

const signed = (x) => (x === null || x === undefined ? "–" : `${x >= 0 ? "+" : "−"}${Math.abs(x).toFixed(3)}`);
const meanStd = (xs) => {
  if (!xs.length) return "–";
  const m = xs.reduce((s, x) => s + x, 0) / xs.length;
  const sd = xs.length > 1 ? Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1)) : 0;
  return `${m.toFixed(3)} ± ${sd.toFixed(3)}`;
};

export function renderPairedMarkdown(report) {
  const { rowA, rowB, alpha, cells } = report.paired;
  const [a, b] = [ROW_LABELS[rowA] ?? rowA, ROW_LABELS[rowB] ?? rowB];
  const lines = [`### Quality: ${a} against ${b}, paired by seed`, ""];
  lines.push(
    `Re-trained test accuracy of the two rows on the same seeds (a seed fixes the data split, the head's init and the`,
    `batch order, so the pair differs only in the row). The question, fixed before the runs: is ${a} above ${b}`,
    `in a cell? One-sided paired t-test of the per-seed differences, above when p < ${alpha} in that cell.`,
    "",
    ...protocolLines(report),
    "",
    `| task | budget | seeds | ${a} | ${b} | differences by seed | mean difference | t (df) | p, one-sided | above at p < ${alpha} |`,
    "|---|---|---|---|---|---|---|---|---|---|",
  );
  for (const c of cells) {
    const t = c.t === null ? "–" : `${c.t.toFixed(2)} (${c.df})`;
    const p = c.p === null ? "–" : c.p < 0.001 ? "< 0.001" : c.p.toFixed(3);
    lines.push(`| ${c.task} | ${c.budget ?? "–"} | ${c.seeds.join(", ")} | ${meanStd(c.a)} | ${meanStd(c.b)} | ${c.differences.map(signed).join(" ")} | ${signed(c.mean)} | ${t} | ${p} | ${c.above ? "**yes**" : "no"} |`);
  }
  lines.push("");
  const above = cells.filter((c) => c.above);
  lines.push(
    above.length
      ? `${a} is above ${b} in ${above.length} of ${cells.length} cells: ${above.map((c) => `\`${c.task}\` at ${c.budget}`).join(", ")}.`
      : `${a} is above ${b} in none of the ${cells.length} cells at this level.`,
    "",
  );
  return lines.join("\n");
}
