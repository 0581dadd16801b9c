// The summary printed when a run ends: budget and chosen parameters, the structure
// grouped by method and position with one column per layer (the layout of the paper's figures), the
// supernet and re-trained scores next to the majority-class baseline, time and memory.
import type { ChosenModule, RunResults } from "@s3pet/core";
import { formatCount, formatDuration, formatPercent, formatScore, shortPosition } from "@s3pet/dashboard";

export interface SummaryOptions {
  /** Layers of the backbone (columns of the structure grid). */
  readonly numLayers: number;
  readonly outDir: string;
  /** Width of the terminal: a structure table wider than this lists its options below the table. @default Infinity */
  readonly columns?: number;
}

export function formatRunSummary(r: RunResults, options: SummaryOptions): string {
  const lines: string[] = [];
  const head = r.headParams > 0 ? ` + head ${formatCount(r.headParams)}${r.countHead ? " (inside the budget)" : ""}` : "";
  lines.push(`${r.command} · task ${r.task} · metric ${r.metric} · seed ${r.seed} · ${r.backend}`);
  lines.push(`backbone    ${formatCount(r.backboneParams)} params`);
  if (r.budget !== null) lines.push(`budget      ${formatCount(r.budget)} params (${formatPercent(r.budget / r.backboneParams)}${r.budgetSpec ? `, given as ${r.budgetSpec}` : ""})`);
  if (r.softParams !== undefined) lines.push(`soft        ${formatCount(r.softParams)} params (Σ n·p at the best search checkpoint)`);
  lines.push(`chosen      ${formatCount(r.chosenParams)} params (${formatPercent(r.chosenRatio)} of the backbone)${head} · ${r.structureSource}`);
  lines.push("");
  lines.push(...formatStructure(r.structure, options.numLayers, options.columns));
  lines.push("");
  lines.push(...formatScores(r));
  lines.push("");
  lines.push(`time ${formatDuration(r.seconds * 1000)} · peak RSS ${Math.round(r.peakRssMB)} MB · ${options.outDir}`);
  return lines.join("\n");
}

/** One row per (method, options, position), one column per layer: ● chosen, · not. */
export function formatStructure(structure: readonly ChosenModule[], numLayers: number, columns = Infinity): string[] {
  if (structure.length === 0) return ["structure   (no PET modules)"];
  interface Row {
    method: string;
    options: string;
    position: string;
    layers: Set<number>;
    outside: boolean;
    params: number;
  }
  const rows = new Map<string, Row>();
  for (const m of structure) {
    const { layer, position } = splitSite(m.site);
    const options = Object.entries(m.options).map(([k, v]) => `${k}=${String(v)}`).join(" ");
    const key = `${m.method}\u0000${options}\u0000${position}`;
    const row = rows.get(key) ?? { method: m.method, options, position, layers: new Set<number>(), outside: false, params: 0 };
    if (layer === null) row.outside = true;
    else row.layers.add(layer);
    row.params += m.params;
    rows.set(key, row);
  }
  const sorted = [...rows.values()].sort((a, b) => a.method.localeCompare(b.method) || a.position.localeCompare(b.position));
  const layerCols = Array.from({ length: numLayers }, (_, i) => String(i));
  const mark = (r: Row, i: number) => (r.outside ? "–" : r.layers.has(i) ? "●" : "·");
  const total = structure.reduce((s, m) => s + m.params, 0);
  const title = `structure   ${structure.length} modules, ${formatCount(total)} params`;
  const wide = alignColumns(
    [
      ["method", "options", "position", ...layerCols.map((l) => `L${l}`), "params"],
      ...sorted.map((r) => [r.method, r.options, r.position, ...layerCols.map((_, i) => mark(r, i)), formatCount(r.params)]),
    ],
    [false, false, false, ...layerCols.map(() => false), true],
  ).map((l) => `  ${l}`);
  if (Math.max(...wide.map((l) => [...l].length)) <= columns) return [title, ...wide];

  // Too wide for the terminal (every row would wrap): short positions, a tight layer grid, and each
  // distinct options string under a short key spelled out below the table.
  const keys = new Map<string, string>();
  for (const r of sorted) if (r.options !== "" && !keys.has(r.options)) keys.set(r.options, `o${keys.size + 1}`);
  const w = String(numLayers - 1).length;
  const grid = (cells: string[]) => cells.map((c) => c.padStart(w)).join(" ");
  const narrow = alignColumns(
    [
      ["method", "opt", "position", `layers ${grid(layerCols)}`.trimEnd(), "params"],
      ...sorted.map((r) => [r.method, keys.get(r.options) ?? "", shortPosition(r.position), `${" ".repeat(7)}${grid(layerCols.map((_, i) => mark(r, i)))}`, formatCount(r.params)]),
    ],
    [false, false, false, false, true],
  ).map((l) => `  ${l}`);
  return [title, ...narrow, ...[...keys].map(([options, key]) => `  ${key}: ${options}`)];
}

function formatScores(r: RunResults): string[] {
  const rows: string[][] = [[`scores (${r.metric})`, "validation", "test"]];
  if (r.supernet) rows.push(["supernet (z = p)", formatScore(r.supernet.validation), formatScore(r.supernet.test)]);
  rows.push([r.command === "search" ? "re-trained" : "trained", formatScore(r.retrained.validation), formatScore(r.retrained.test)]);
  rows.push(["majority baseline", "–", formatScore(r.majorityBaseline.test)]);
  return alignColumns(rows, [false, true, true]);
}

/** `encoder.layer.3.attention.self.query` -> layer 3, `attention.self.query`; other sites have no layer. */
function splitSite(site: string): { layer: number | null; position: string } {
  const m = /^(?:.*\.)?layer\.(\d+)\.(.+)$/.exec(site);
  return m ? { layer: Number(m[1]), position: m[2]! } : { layer: null, position: site };
}

function alignColumns(rows: readonly (readonly string[])[], right: readonly boolean[]): string[] {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => [...(r[c] ?? "")].length)));
  return rows.map((r) =>
    r
      .map((cell, c) => (right[c] ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!)))
      .join("  ")
      .trimEnd(),
  );
}
