// @ts-check
// The quality report's figures: per task, test score against trained parameters, one line per search
// row over its budgets (S3PET mixed, S3PET-M, LoRA-only search, random structures), presets and full
// fine-tuning as points (accuracyBudgetFigure, the chart `s3pet sweep report --figures` draws too).
// Takes any quality.mjs report (a saved results/*.json or a fresh one); writes one SVG per task.
import { join } from "node:path";
import { accuracyBudgetFigure, renderSvg, svgFile } from "@s3pet/cli";
import { writeFileAtomic } from "@s3pet/core";
import { ROW_LABELS } from "./render-quality-markdown.mjs";

/** Search rows (lines over budgets) first, then the fixed rows (points), in the table's order. */
const ROW_ORDER = ["s3pet", "s3pet-m", "s3pet-lora", "random", "lora", "adapter", "bitfit", "prefix", "full"];

/**
 * One figure per task of `report`: `<outDir>/<prefix>-<task>.svg`. Returns the written files (task -> path).
 * Variant rows (ablations) and transferred structures are left out: they are other comparisons.
 * @param {any} report  a quality.mjs report ({ protocol, summary })
 * @param {string} outDir
 * @param {string} prefix
 * @returns {Promise<Record<string, string>>}
 */
export async function renderQualityFigures(report, outDir, prefix) {
  const { summary, protocol } = report;
  const metric = report.runs?.find((r) => r.ok)?.results?.metric ?? "accuracy";
  const rank = (row) => (ROW_ORDER.includes(row) ? ROW_ORDER.indexOf(row) : ROW_ORDER.length);
  const written = {};
  for (const task of protocol.tasks) {
    const cells = summary.cells
      .filter((c) => c.task === task && c.test && c.params !== null && !c.row.includes("~") && !c.row.startsWith("transfer-from-"))
      .sort((a, b) => rank(a.row) - rank(b.row) || a.params - b.params);
    if (!cells.length) continue;
    const label = (row) => ROW_LABELS[row] ?? row;
    const points = cells.map((c) => ({ series: label(c.row), params: c.params, mean: c.test.mean, std: c.test.std, n: c.n, budget: c.budget }));
    const spec = accuracyBudgetFigure(points, { task, metric, majority: summary.majority[task] ?? null, seriesOrder: [...new Set(cells.map((c) => label(c.row)))] });
    const path = join(outDir, `${prefix}-${task}.svg`);
    writeFileAtomic(path, svgFile(await renderSvg(spec)));
    written[task] = path;
  }
  return written;
}
