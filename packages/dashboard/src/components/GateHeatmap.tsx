// GateHeatmap: p of every candidate as in the paper's figures: rows = method × position in the layer,
// columns = layer, shading by p (characters and a viridis-like colour ramp); `•` marks the candidates
// kept now (greedy first-fit over the latest gates, or the chosen structure once discretised).
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
  /** Rows available for grid rows (header and legend excluded); extra rows are folded into "… N more". */
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

export function GateHeatmap({ state, width, maxRows, height }: GateHeatmapProps) {
  const methods = state.run?.methods ?? [];
  const grid = gateGrid(state.candidates, methods);
  const p = state.gates?.p ?? null;
  const kept = keptCandidates(state)?.indices ?? new Set<number>();
  const title = `Gates p${state.gates === null ? "" : ` · step ${state.gates.step}`}`;
  if (grid.rows.length === 0 || p === null) {
    return (
      <Panel title={title} width={width} height={height}>
        <Text color={theme.muted}>{grid.rows.length === 0 ? "no candidates (fixed structure)" : "waiting for the first gates…"}</Text>
      </Panel>
    );
  }
  const methodWidth = Math.max(...grid.rows.map((r) => r.method.length));
  const positionWidth = Math.max(...grid.rows.map((r) => shortPosition(r.position).length));
  const labelWidth = methodWidth + 1 + positionWidth + 1;
  const cellWidth = Math.min(6, Math.max(2, Math.floor((width - 4 - labelWidth) / grid.layers.length)));
  const folded = grid.rows.length > maxRows ? grid.rows.length - (maxRows - 1) : 0;
  const shown = folded > 0 ? grid.rows.slice(0, maxRows - 1) : grid.rows;
  return (
    <Panel title={title} width={width} height={height}>
      <Text color={theme.muted} wrap="truncate-end">
        {"layer".padEnd(labelWidth)}
        {grid.layers.map((l) => (l === null ? "E" : String(l)).padEnd(cellWidth)).join("")}
      </Text>
      {shown.map((row, r) => (
        <Text key={`${row.method} ${row.position}`} wrap="truncate-end">
          <Text color={methodColor(methods, row.method)} bold>
            {(r > 0 && shown[r - 1]!.method === row.method ? "" : row.method).padEnd(methodWidth + 1)}
          </Text>
          <Text color={theme.muted}>{shortPosition(row.position).padEnd(positionWidth + 1)}</Text>
          {row.cells.map((i, c) => (
            <Cell key={c} p={i === null ? null : (p[i] ?? null)} kept={i !== null && kept.has(i)} width={cellWidth} />
          ))}
        </Text>
      ))}
      {folded > 0 ? <Text color={theme.muted}>… {folded} more rows</Text> : null}
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
