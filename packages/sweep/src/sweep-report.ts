// sweepReport(): the grid's result table from its finished runs, as docs/BENCHMARKS.md's quality table
// has it: per cell (every grid value but the seed) the mean ± sample std over seeds of the re-trained
// test score and the trainable parameters; then win/tie/loss between the values of one compared axis,
// over the cells that differ only in it, where a tie is a difference within the larger std.
// Only scores go in (no times, no paths), so the same grid run anywhere gives the same report.
import type { GridPoint } from "./expand-grid.js";
import { stateFromRunsDir } from "./point-state.js";
import { readPointResults } from "./run-point.js";
import { compareSeedStats, seedStats, type SeedStats } from "./seed-stats.js";

export interface SweepReportOptions {
  readonly runsDir: string;
  /** The axis whose values are compared (default: the first axis that is neither seed nor task). */
  readonly compare?: string;
}

export function sweepReport(points: readonly GridPoint[], options: SweepReportOptions): string {
  const axes = columnsOf(points);
  const valuesOf = (point: GridPoint) => Object.fromEntries(axes.map((a) => [a, columnValue(point, a)]));
  const cells = new Map<string, { axes: Record<string, string>; test: number[]; params: number[]; failed: number; missing: number }>();
  const failures: string[] = [];
  let metric = "score";
  for (const point of points) {
    const values = valuesOf(point);
    const key = JSON.stringify(axes.map((a) => values[a]));
    const cell = cells.get(key) ?? { axes: values, test: [], params: [], failed: 0, missing: 0 };
    cells.set(key, cell);
    const results = readPointResults(options.runsDir, point);
    if (results) {
      metric = results.metric;
      cell.test.push(results.retrained.test);
      cell.params.push(results.chosenParams);
      continue;
    }
    const state = stateFromRunsDir(options.runsDir, point);
    if (state.status === "failed") {
      cell.failed++;
      failures.push(`- ${point.id} (${describe(point.axes)}): ${state.error}`);
    } else cell.missing++;
  }

  const seeds = new Set(points.map((p) => p.axes["seed"] ?? p.flags["seed"] ?? "")).size;
  const lines = [`${points.length} runs (${[...cells.values()].reduce((s, c) => s + c.test.length, 0)} finished), ${cells.size} cells, ${seeds} seed(s); re-trained test ${metric}, mean ± std over seeds`, ""];
  lines.push(`| ${[...axes, "n", `test ${metric}`, "params"].join(" | ")} |`);
  lines.push(`|${[...axes, "n", "test", "params"].map(() => "---|").join("")}`);
  const stats = new Map<string, SeedStats | null>();
  for (const [key, c] of cells) {
    const s = seedStats(c.test);
    stats.set(key, s);
    const note = [c.failed && `${c.failed} failed`, c.missing && `${c.missing} not finished`].filter(Boolean).join(", ");
    const params = c.params.length ? Math.round(c.params.reduce((a, b) => a + b, 0) / c.params.length).toLocaleString("en-US") : "–";
    lines.push(`| ${[...axes.map((a) => c.axes[a]!), `${c.test.length}${note ? ` (${note})` : ""}`, s ? `${s.mean.toFixed(3)} ± ${s.std.toFixed(3)}` : "–", params].join(" | ")} |`);
  }
  lines.push("");

  const compare = options.compare ?? axes.find((a) => a !== "task");
  if (compare !== undefined && axes.includes(compare)) {
    const values = [...new Set(points.map((p) => columnValue(p, compare)))];
    const others = axes.filter((a) => a !== compare);
    const statOf = (c: Record<string, string>, v: string) => stats.get(JSON.stringify(axes.map((a) => (a === compare ? v : c[a]!))));
    const contexts = [...new Map([...cells.values()].map((c) => [JSON.stringify(others.map((a) => c.axes[a])), c.axes])).values()];
    lines.push(`Win/tie/loss by ${compare} over the cells that differ only in it (at least 2 seeds each; a tie is a difference within the larger std):`, "");
    for (let i = 0; i < values.length; i++) {
      for (let j = i + 1; j < values.length; j++) {
        let win = 0, tie = 0, loss = 0;
        for (const c of contexts) {
          const a = statOf(c, values[i]!), b = statOf(c, values[j]!);
          const result = compareSeedStats(a, b);
          if (result === "win") win++;
          else if (result === "tie") tie++;
          else if (result === "loss") loss++;
        }
        lines.push(`- ${values[i]} against ${values[j]}: ${win} wins, ${tie} ties, ${loss} losses`);
      }
    }
    lines.push("");
  }
  if (failures.length) lines.push(`Failed runs (${failures.length}):`, ...failures, "");
  return lines.join("\n");
}

/** Default for a flag a point does not set (the CLI's default applies). */
const NOT_SET = "–";

/**
 * The table's columns: every flag (and the command) whose value is not the same for every point, but
 * the seed. Not just the grid's list axes: a grid that is a list of objects differs between its objects
 * in scalars too (one searches over LoRA only, one trains a preset), and those runs must not share a cell.
 */
function columnsOf(points: readonly GridPoint[]): string[] {
  const keys = [...new Set(["command", ...points.flatMap((p) => Object.keys(p.flags))])].filter((k) => k !== "seed");
  return keys.filter((k) => new Set(points.map((p) => columnValue(p, k))).size > 1);
}

function columnValue(point: GridPoint, column: string): string {
  if (column === "command") return point.command;
  const value = point.flags[column];
  return value === undefined ? NOT_SET : Array.isArray(value) ? value.join(",") : String(value);
}

const describe = (axes: Readonly<Record<string, string>>) => Object.entries(axes).map(([k, v]) => `${k} ${v}`).join(", ");
