// accuracyBudgetFigure: the paper's figure for one task: test score against trained parameters (log
// scale), one line per structure row over its budgets (searches, random structures), single points for
// rows without a budget (presets, full fine-tuning), error bars of ± one std over seeds, and the
// majority class as a dashed rule. tools/bench/quality and `s3pet sweep report --figures` both draw it.
import type { ChartSpec } from "./render-svg.js";

export interface BudgetFigurePoint {
  /** The row: `S3PET, mixed space`, `LoRA r=8 (preset)`, ... */
  readonly series: string;
  /** Trained parameters (mean over seeds). */
  readonly params: number;
  readonly mean: number;
  readonly std: number;
  readonly n: number;
  /** The budget as given (`0.1%`), or null for a row without one. */
  readonly budget: string | null;
}

export interface BudgetFigureOptions {
  readonly task: string;
  readonly metric: string;
  readonly majority?: number | null;
  /** Legend order (default: as the points come). */
  readonly seriesOrder?: readonly string[];
}

export function accuracyBudgetFigure(points: readonly BudgetFigurePoint[], options: BudgetFigureOptions): ChartSpec {
  const order = options.seriesOrder ?? [...new Set(points.map((p) => p.series))];
  const values = points.map((p) => ({ ...p, low: p.mean - p.std, high: p.mean + p.std, label: p.budget ?? "" }));
  const x = { field: "params", type: "quantitative", title: "trained parameters (log scale)", scale: { type: "log" }, axis: { format: "~s" } } as const;
  const color = { field: "series", type: "nominal", title: null, sort: order, legend: { orient: "right", columns: 1 } } as const;
  const majority = options.majority ?? null;
  return {
    title: { text: `${options.task}: test ${options.metric} against trained parameters`, subtitle: `mean ± std over seeds${majority === null ? "" : "; dashed: always predicting the majority class"}` },
    width: 460,
    height: 260,
    data: { values },
    layer: [
      { mark: { type: "line", strokeWidth: 1.5 }, encoding: { x, y: { field: "mean", type: "quantitative", title: `test ${options.metric}`, scale: { zero: false } }, color, detail: { field: "series" } } },
      { mark: { type: "rule", strokeWidth: 1 }, encoding: { x, y: { field: "low", type: "quantitative" }, y2: { field: "high" }, color } },
      {
        mark: { type: "point", filled: true, size: 45 },
        encoding: {
          x,
          y: { field: "mean", type: "quantitative" },
          color,
          shape: { condition: { test: "datum.budget === null", value: "diamond" }, value: "circle" },
          tooltip: [{ field: "series" }, { field: "budget" }, { field: "params", format: "," }, { field: "mean", format: ".3f" }, { field: "std", format: ".3f" }, { field: "n" }],
        },
      },
      ...(majority === null ? [] : [{ data: { values: [{ majority }] }, mark: { type: "rule", strokeDash: [4, 3], color: "#777" }, encoding: { y: { field: "majority", type: "quantitative" } } }]),
    ],
  } as ChartSpec;
}
