// sweepFigures: `s3pet sweep report --figures <dir>`: the accuracy-against-budget figure of any grid, one
// SVG per task: each combination of the grid's other axes (seed and budget aside) is a line over the
// budgets, at the runs' mean trained parameters, ± one std over seeds; the majority class dashed.
import { basename, join } from "node:path";
import { writeFileAtomic } from "@s3pet/core";
import { seedStats, sweepCells, type GridPoint } from "@s3pet/sweep";
import { accuracyBudgetFigure, type BudgetFigurePoint } from "./accuracy-budget-figure.js";
import { renderSvg, svgFile } from "./render-svg.js";

const mean = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

/** Writes `<dir>/<name>-<task>.svg` per task with finished runs; returns the files written. */
export async function sweepFigures(points: readonly GridPoint[], runsDir: string, dir: string, name: string): Promise<string[]> {
  const { axes, metric, cells } = sweepCells(points, runsDir);
  const others = axes.filter((a) => a !== "task" && a !== "budget");
  // a column a point does not set reads `–` (the CLI's default applies)
  const given = (v: string | undefined) => (v === undefined || v === "–" ? null : v);
  const taskOf = (c: { axes: Readonly<Record<string, string>> }) => given(c.axes["task"]) ?? String(points[0]?.flags["task"] ?? "default task");
  const written: string[] = [];
  for (const task of [...new Set(cells.map(taskOf))]) {
    const own = cells.filter((c) => taskOf(c) === task && c.test.length > 0);
    if (!own.length) continue;
    const figurePoints: BudgetFigurePoint[] = own.map((c) => {
      const s = seedStats(c.test)!;
      return { series: others.map((a) => `${a} ${c.axes[a]}`).join(", ") || "runs", params: mean(c.params), mean: s.mean, std: s.std, n: s.values.length, budget: given(c.axes["budget"]) };
    });
    const majority = own.flatMap((c) => c.majority);
    const spec = accuracyBudgetFigure(figurePoints, { task: basename(task), metric, majority: majority.length ? mean(majority) : null });
    const path = join(dir, `${name}-${basename(task)}.svg`);
    writeFileAtomic(path, svgFile(await renderSvg(spec)));
    written.push(path);
  }
  return written;
}
