// GateHeatmap: p of every candidate as in the paper's figures: rows = method × position in the layer,
// columns = layer, shading by p (characters and a viridis-like colour ramp); `•` marks the candidates
// kept now (greedy first-fit over the latest gates, or the chosen structure once discretised). When the
// rows do not fit, each method takes one row (its highest p per layer), so a large space stays readable.
import { Text } from "ink";
import type { CandidateInfo } from "@s3pet/core/events";
import type { RunState } from "../state/run-state.js";
import { keptCandidates } from "../state/kept-candidates.js";
import { shortPosition } from "../format/short-position.js";
import { Panel } from "./Panel.js";
import { GATE_COLORS, GATE_SHADES, gateLevel, methodColor, theme } from "./theme.js";

export interface GateHeatmapProps {
  readonly state: RunState;
  readonly width: number;
  /** Rows available for grid rows (header and legend excluded): beyond them, rows are merged per method, then folded into "… N more". */
  readonly maxRows: number;
  readonly height?: number;
}

export interface GateGridRow {
  readonly method: string;
  readonly position: string;
  /** Candidate index per column of `GateGrid.layers`, or null where the method has no candidate. */
  readonly cells: readonly (number | null)[];
}

export interface GateGrid {
  /** Column order: sites outside the layers (null, e.g. embeddings) first, then layers ascending. */
  readonly layers: readonly (number | null)[];
  readonly rows: readonly GateGridRow[];
}

/** Groups candidates into heatmap rows: methods in `methods` order, positions in first-seen order. */
export function gateGrid(candidates: readonly CandidateInfo[], methods: readonly string[]): GateGrid {
  const layers = [...new Set(candidates.map((c) => c.layer))].sort((a, b) => (a ?? -1) - (b ?? -1));
  const column = new Map(layers.map((l, i) => [l, i]));
  const byMethod = new Map<string, Map<string, (number | null)[]>>();
  for (const m of methods) byMethod.set(m, new Map());
  candidates.forEach((c, i) => {
    const positions = byMethod.get(c.method) ?? byMethod.set(c.method, new Map()).get(c.method)!;
    const cells = positions.get(c.position) ?? positions.set(c.position, layers.map(() => null)).get(c.position)!;
    cells[column.get(c.layer)!] = i;
  });
  const rows: GateGridRow[] = [];
  for (const [method, positions] of byMethod) for (const [position, cells] of positions) rows.push({ method, position, cells });
  return { layers, rows };
}

/** A heatmap row as drawn: per column, the candidates it stands for (shown: their highest p; `•` if any is kept). */
export interface HeatmapRow {
  readonly method: string;
  /** The position, or `N pos` for a row that folds all of a method's positions together. */
  readonly label: string;
  readonly cells: readonly (readonly number[])[];
}

export interface HeatmapRows {
  readonly rows: readonly HeatmapRow[];
  /** True when the rows are one per method (the highest p over its positions in each layer). */
  readonly perMethod: boolean;
  /** Rows left out at the end (a "… N more" line takes the last row's place). */
  readonly folded: number;
}

/**
 * The rows that fit in `maxRows`: one per method x position; when those do not fit, one per method (a
 * large search space still shows every method in every layer); when even those do not fit, the first
 * ones and "… N more".
 */
export function heatmapRows(grid: GateGrid, maxRows: number): HeatmapRows {
  const full = grid.rows.map((r) => ({ method: r.method, label: shortPosition(r.position), cells: r.cells.map((i) => (i === null ? [] : [i])) }));
  if (full.length <= maxRows) return { rows: full, perMethod: false, folded: 0 };
  const methods = [...new Set(grid.rows.map((r) => r.method))];
  const perMethod = methods.map((method) => {
    const rows = grid.rows.filter((r) => r.method === method);
    const cells = grid.layers.map((_, c) => rows.flatMap((r) => (r.cells[c] === null ? [] : [r.cells[c]!])));
    return { method, label: `${rows.length} pos`, cells };
  });
  const rows = perMethod.length < full.length ? perMethod : full;
  if (rows.length <= maxRows) return { rows, perMethod: rows === perMethod, folded: 0 };
  const shown = Math.max(0, maxRows - 1);
  return { rows: rows.slice(0, shown), perMethod: rows === perMethod, folded: rows.length - shown };
}

/** Outer height of the heatmap panel: every row, else one per method, within `maxHeight` when neither fits. */
export function gateHeatmapHeight(state: RunState, maxHeight: number): number {
  const grid = gateGrid(state.candidates, state.run?.methods ?? []);
  const { rows, folded } = heatmapRows(grid, maxHeight - CHROME_ROWS);
  return Math.min(maxHeight, Math.max(rows.length + (folded > 0 ? 1 : 0), 1) + CHROME_ROWS);
}

/** Title, layer header, legend and bottom border. */
const CHROME_ROWS = 4;

export function GateHeatmap({ state, width, maxRows, height }: GateHeatmapProps) {
  const methods = state.run?.methods ?? [];
  const grid = gateGrid(state.candidates, methods);
  const p = state.gates?.p ?? null;
  const kept = keptCandidates(state)?.indices ?? new Set<number>();
  const { rows: shown, perMethod, folded } = heatmapRows(grid, maxRows);
  const title = `Gates p${state.gates === null ? "" : ` · step ${state.gates.step}`}${perMethod ? " · max per method" : ""}`;
  if (grid.rows.length === 0 || p === null) {
    return (
      <Panel title={title} width={width} height={height}>
        <Text color={theme.muted}>{grid.rows.length === 0 ? "no candidates (fixed structure)" : "waiting for the first gates…"}</Text>
      </Panel>
    );
  }
  const methodWidth = Math.max(...shown.map((r) => r.method.length), 0);
  const labelWidthOf = Math.max(...shown.map((r) => r.label.length), 0);
  const labelWidth = methodWidth + 1 + labelWidthOf + 1;
  const cellWidth = Math.min(6, Math.max(2, Math.floor((width - 4 - labelWidth) / grid.layers.length)));
  return (
    <Panel title={title} width={width} height={height}>
      <Text color={theme.muted} wrap="truncate-end">
        {"layer".padEnd(labelWidth)}
        {grid.layers.map((l) => (l === null ? "E" : String(l)).padEnd(cellWidth)).join("")}
      </Text>
      {shown.map((row, r) => (
        <Text key={`${row.method} ${row.label}`} wrap="truncate-end">
          <Text color={methodColor(methods, row.method)} bold>
            {(r > 0 && shown[r - 1]!.method === row.method ? "" : row.method).padEnd(methodWidth + 1)}
          </Text>
          <Text color={theme.muted}>{row.label.padEnd(labelWidthOf + 1)}</Text>
          {row.cells.map((indices, c) => (
            <Cell
              key={c}
              p={indices.length === 0 ? null : Math.max(...indices.map((i) => p[i] ?? 0))}
              kept={indices.some((i) => kept.has(i))}
              width={cellWidth}
            />
          ))}
        </Text>
      ))}
      {folded > 0 ? <Text color={theme.muted}>… {folded} more {perMethod ? "methods" : "rows"}</Text> : null}
      <Text wrap="truncate-end">
        <Text color={theme.muted}>p </Text>
        {GATE_SHADES.map((shade, level) => (
          <Text key={shade} color={GATE_COLORS[level]}>
            {shade}
            <Text color={theme.muted}>{level < GATE_SHADES.length - 1 ? `<.${2 * (level + 1)} ` : "≥.8"}</Text>
          </Text>
        ))}
        <Text color={theme.value}>{"  •"}</Text>
        <Text color={theme.muted}> kept</Text>
      </Text>
    </Panel>
  );
}

function Cell({ p, kept, width }: { p: number | null; kept: boolean; width: number }) {
  if (p === null) return <Text>{" ".repeat(width)}</Text>;
  const level = gateLevel(p);
  const body = GATE_SHADES[level]!.repeat(width - 1);
  return (
    <Text color={GATE_COLORS[level]}>
      {kept ? body.slice(0, -1) : body}
      {kept ? <Text color={theme.value} bold>•</Text> : null}{" "}
    </Text>
  );
}
