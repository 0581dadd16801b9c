// TopCandidates: the candidates with the highest p, with a p bar, their parameter count and `•` when
// kept (by greedy first-fit now, or in the chosen structure). Sorted in render from the latest gates.
import { Text } from "ink";
import type { RunState } from "../state/run-state.js";
import { keptCandidates } from "../state/kept-candidates.js";
import { shortSite } from "../format/short-position.js";
import { formatCount } from "../format/format-count.js";
import { Bar } from "./Bar.js";
import { Panel } from "./Panel.js";
import { methodColor, theme } from "./theme.js";

export interface TopCandidatesProps {
  readonly state: RunState;
  readonly width: number;
  /** How many candidates to list. */
  readonly rows: number;
  readonly height?: number;
}

/** Candidate indices by p descending (ties: candidate order), the first `k`. */
export function topCandidates(p: readonly number[], k: number): number[] {
  return p
    .map((_, i) => i)
    .sort((i, j) => p[j]! - p[i]! || i - j)
    .slice(0, k);
}

export function TopCandidates({ state, width, rows, height }: TopCandidatesProps) {
  const p = state.gates?.p ?? null;
  const methods = state.run?.methods ?? [];
  const kept = keptCandidates(state);
  const title = `Top candidates${state.candidates.length > 0 ? ` of ${state.candidates.length}` : ""}`;
  if (p === null) {
    return (
      <Panel title={title} width={width} height={height}>
        <Text color={theme.muted}>waiting for the first gates…</Text>
      </Panel>
    );
  }
  const methodWidth = Math.max(...methods.map((m) => m.length), 6);
  const siteWidth = Math.max(...state.candidates.map((c) => shortSite(c.layer, c.position).length), 4);
  const fixed = 3 + methodWidth + 1 + siteWidth + 1 + 7 + 7 + 2; // rank, method, site, " 0.973 ", params, " •"
  const barWidth = Math.max(3, Math.min(16, width - 4 - fixed));
  return (
    <Panel title={title} width={width} height={height}>
      <Text color={theme.muted} wrap="truncate-end">
        {" # "}
        {"method".padEnd(methodWidth + 1)}
        {"site".padEnd(siteWidth + 1)}
        {"p".padEnd(barWidth + 7)}
        {"params".padStart(7)}
      </Text>
      {topCandidates(p, Math.max(0, rows)).map((i, rank) => {
        const c = state.candidates[i]!;
        const isKept = kept?.indices.has(i) ?? false;
        return (
          <Text key={c.key} wrap="truncate-end">
            <Text color={theme.muted}>{String(rank + 1).padStart(2)} </Text>
            <Text color={methodColor(methods, c.method)}>{c.method.padEnd(methodWidth + 1)}</Text>
            <Text>{shortSite(c.layer, c.position).padEnd(siteWidth + 1)}</Text>
            <Bar fraction={p[i]!} width={barWidth} color={isKept ? "greenBright" : "gray"} />
            <Text color={theme.value}> {p[i]!.toFixed(3)} </Text>
            <Text>{formatCount(c.params).padStart(7)}</Text>
            <Text color={theme.good} bold>
              {isKept ? " •" : "  "}
            </Text>
          </Text>
        );
      })}
    </Panel>
  );
}
