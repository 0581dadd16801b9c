// formatStates(): the plain table of `s3pet sweep status`: one line per run with its grid values and
// its state (waiting, running with phase and progress, done with its score, failed with its error).
import type { PointState } from "./point-state.js";

export function formatStates(states: readonly PointState[]): string {
  const axes = [...new Set(states.flatMap((s) => Object.keys(s.point.axes)))];
  const rows = states.map((s) => [s.point.id, ...axes.map((a) => s.point.axes[a] ?? ""), s.status, detail(s)]);
  const header = ["run", ...axes, "state", ""];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd();
  const count = (status: string) => states.filter((s) => s.status === status).length;
  return [
    line(header),
    ...rows.map(line),
    `${states.length} runs: ${count("done")} done, ${count("running")} running, ${count("waiting")} waiting, ${count("failed")} failed`,
  ].join("\n");
}

function detail(s: PointState): string {
  if (s.status === "done") return s.test === undefined ? "" : `test ${s.test.toFixed(4)}`;
  if (s.status === "failed") return s.error ?? "";
  if (s.status === "running" && s.progress) return `${s.progress.phase} ${s.progress.step}/${s.progress.totalSteps}`;
  return "";
}
