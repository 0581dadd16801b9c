// @ts-check
// The speed report's figures, drawn with the run report's chart library (renderSvg from @s3pet/cli):
// tokens/s against sequence length (main suite: the `seq` and `main` groups, one line per runner and
// step) and tokens/s against workers (real-sizes suite: one line per backbone and step). Takes any
// speed.mjs report; a figure whose axis has a single value in the report is still drawn (a point per
// line) and says so in its subtitle.
import { join } from "node:path";
import { renderSvg, svgFile } from "@s3pet/cli";
import { writeFileAtomic } from "@s3pet/core";

const CASE_LABELS = { forward: "forward", lora: "LoRA step", full: "full fine-tuning step", search: "search step (mixed space)" };

/** The timed step of a case: its first step kind (forward, train or search; re-training is a second one). */
function throughput(result) {
  const steps = result.steps ?? {};
  const main = steps.forward ?? steps.train ?? steps.search;
  return main?.tokensPerSecond ?? null;
}

/** The rows a figure can use: measured, default method set (not the candidates-scaling rows). */
function measured(report) {
  return report.results.filter((r) => !r.error && throughput(r) !== null && r.id.split(":").length <= 3);
}

function lineSpec(title, subtitle, values, x) {
  return {
    title: { text: title, subtitle },
    width: 420,
    height: 240,
    data: { values },
    mark: { type: "line", point: { filled: true, size: 45 }, strokeWidth: 1.5 },
    encoding: {
      x,
      y: { field: "tokensPerSecond", type: "quantitative", title: "tokens/s (median step)", scale: { type: "log" }, axis: { format: "~s" } },
      color: { field: "series", type: "nominal", title: null, legend: { orient: "right", columns: 1 } },
      tooltip: [{ field: "series" }, { field: "x" }, { field: "tokensPerSecond", format: ",.0f" }],
    },
  };
}

/**
 * Writes the report's figures to `<outDir>/<prefix>-<figure>.svg` and returns them (figure -> path):
 * `seq` for a main-suite report, `workers` for a real-sizes one.
 * @param {any} report  a speed.mjs report
 * @returns {Promise<Record<string, string>>}
 */
export async function renderSpeedFigures(report, outDir, prefix) {
  const rows = measured(report);
  const written = {};
  const load = `load average ${Math.min(...rows.map((r) => r.load1Before ?? Infinity)).toFixed(1)}-${Math.max(...rows.map((r) => r.load1After ?? 0)).toFixed(1)} on ${report.machine?.cores ?? "?"} cores`;
  if (report.suite === "real-sizes") {
    const values = rows.filter((r) => r.runner === "tfjs").map((r) => ({ series: `${r.group}: ${CASE_LABELS[r.case] ?? r.case}`, x: r.workers ?? 1, tokensPerSecond: throughput(r) }));
    const counts = [...new Set(values.map((v) => v.x))].sort((a, b) => a - b);
    const spec = lineSpec(
      "tokens/s against data-parallel workers",
      `${report.date.slice(0, 10)}, ${load}${counts.length < 2 ? `; only ${counts.join(", ")} worker(s) measured in this report` : ""}`,
      values,
      { field: "x", type: "ordinal", title: "workers", sort: counts, axis: { labelAngle: 0 } },
    );
    written.workers = join(outDir, `${prefix}-workers.svg`);
    writeFileAtomic(written.workers, svgFile(await renderSvg(spec)));
    return written;
  }
  const values = rows
    .filter((r) => (r.group === "seq" || r.group === "main") && r.backend?.name !== "cpu" && r.case !== "forward" && r.case !== "full")
    .map((r) => ({ series: `${r.runner === "torch" ? "torch" : "tfjs wasm"}: ${CASE_LABELS[r.case] ?? r.case}`, x: r.seq, tokensPerSecond: throughput(r) }));
  const spec = lineSpec("tokens/s against sequence length (batch 16)", `${report.date.slice(0, 10)}, ${load}`, values, {
    field: "x",
    type: "quantitative",
    title: "sequence length (tokens)",
    scale: { type: "log", base: 2 },
    axis: { values: [...new Set(values.map((v) => v.x))] },
  });
  written.seq = join(outDir, `${prefix}-seq.svg`);
  writeFileAtomic(written.seq, svgFile(await renderSvg(spec)));
  return written;
}
