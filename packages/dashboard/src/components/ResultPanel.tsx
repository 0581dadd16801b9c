// ResultPanel: the final structure grouped by method (sites by layer, parameters per method) and the
// scores: supernet and re-trained validation/test and the majority baseline, from run-end, or from the
// eval events while the run is still going.
import { Box, Text } from "ink";
import type { RunState } from "../state/run-state.js";
import { formatCount } from "../format/format-count.js";
import { formatScore } from "../format/format-score.js";
import { shortSite } from "../format/short-position.js";
import { Panel } from "./Panel.js";
import { methodColor, theme } from "./theme.js";

export interface ResultPanelProps {
  readonly state: RunState;
  readonly width: number;
  readonly height?: number;
  /** Scores below the structure (a narrow column) instead of beside it. @default false */
  readonly stacked?: boolean;
}

export interface Scores {
  readonly supernet: { readonly validation: number | null; readonly test: number | null };
  readonly retrained: { readonly validation: number | null; readonly test: number | null };
  readonly majorityBaseline: number | null;
}

/** run-end's scores where given; otherwise the best validation and the last test score of each stage. */
export function runScores(state: RunState): Scores {
  const bestValidation = (phases: readonly string[]) =>
    state.evals.filter((e) => e.split === "validation" && phases.includes(e.phase)).reduce<number | null>((b, e) => (b === null || e.score > b ? e.score : b), null);
  const lastTest = (phases: readonly string[]) => state.evals.filter((e) => e.split === "test" && phases.includes(e.phase)).at(-1)?.score ?? null;
  const given = state.end?.scores;
  return {
    supernet: {
      validation: given?.supernet?.validation ?? bestValidation(["search"]),
      test: given?.supernet?.test ?? lastTest(["search"]),
    },
    retrained: {
      validation: given?.retrained?.validation ?? bestValidation(["retrain", "train"]),
      test: given?.retrained?.test ?? lastTest(["retrain", "train", "test"]),
    },
    majorityBaseline: given?.majorityBaseline?.test ?? null,
  };
}

interface MethodGroup {
  readonly method: string;
  /** Sum of the group's parameters, formatted. */
  readonly params: string;
  /** `L3 attn.v`-style sites in backbone order (by layer, then in the run's candidate order). */
  readonly sites: readonly string[];
}

const SCORES_WIDTH = 32;
const SCORE_LINES = 4; // header, supernet, re-trained, majority

/** The chosen modules grouped by method, methods in the run's order. */
function methodGroups(state: RunState): MethodGroup[] {
  const modules = state.structure?.modules ?? [];
  const where = new Map(state.candidates.map((c, i) => [c.site, { layer: c.layer, position: c.position, order: i }]));
  return [...new Set([...(state.run?.methods ?? []), ...modules.map((m) => m.method)])]
    .map((method) => {
      const group = modules.filter((m) => m.method === method);
      const sites = group
        .map((m) => where.get(m.site) ?? { layer: null, position: m.site, order: Infinity })
        .sort((a, b) => (a.layer ?? -1) - (b.layer ?? -1) || a.order - b.order)
        .map((s) => shortSite(s.layer, s.position));
      return { method, params: formatCount(group.reduce((sum, m) => sum + m.params, 0)), sites };
    })
    .filter((g) => g.sites.length > 0);
}

const labelWidth = (groups: readonly MethodGroup[]) => Math.max(6, ...groups.map((g) => g.method.length)) + 1 + 8 + 3; // "method  params · "

/** Rows the stacked panel needs at `width`, borders included (its site lists wrap). */
export function stackedResultHeight(state: RunState, width: number): number {
  const groups = methodGroups(state);
  const room = Math.max(1, width - 4 - labelWidth(groups));
  const lines = groups.reduce((n, g) => n + Math.max(1, Math.ceil(g.sites.join(", ").length / room)), 0);
  return Math.max(1, lines) + 1 + SCORE_LINES + 2;
}

export function ResultPanel({ state, width, height, stacked = false }: ResultPanelProps) {
  const methods = state.run?.methods ?? [];
  const groups = methodGroups(state);
  const scores = runScores(state);
  const structureWidth = stacked ? width - 4 : Math.max(10, width - 4 - SCORES_WIDTH - 2);
  const methodWidth = labelWidth(groups) - 12;
  const title =
    state.structure === null
      ? "Result"
      : `Result · ${state.structure.modules.length} modules, ${formatCount(state.structure.chosenParams)} / ${formatCount(state.structure.budget)} params`;
  const structure = (
    <Box flexDirection="column" width={structureWidth} marginRight={stacked ? 0 : 2} marginBottom={stacked ? 1 : 0}>
      {groups.length === 0 ? <Text color={theme.muted}>structure not chosen yet</Text> : null}
      {groups.map(({ method, params, sites }) => (
        <Box key={method}>
          <Box width={labelWidth(groups)} flexShrink={0}>
            <Text>
              <Text color={methodColor(methods, method)} bold>
                {method.padEnd(methodWidth + 1)}
              </Text>
              <Text color={theme.value}>{params.padStart(8)}</Text>
              <Text color={theme.muted}> · </Text>
            </Text>
          </Box>
          {/* No-break spaces inside a site, so lines wrap between sites only. */}
          <Text wrap={stacked ? "wrap" : "truncate-end"}>{sites.map((site) => site.replace(" ", "\u00a0")).join(", ")}</Text>
        </Box>
      ))}
    </Box>
  );
  const table = (
    <Box flexDirection="column" width={SCORES_WIDTH}>
      <Text color={theme.muted}>
        {"".padEnd(12)}
        {"validation".padStart(11)}
        {"test".padStart(9)}
      </Text>
      <ScoreRow label="supernet" validation={scores.supernet.validation} test={scores.supernet.test} />
      <ScoreRow label="re-trained" validation={scores.retrained.validation} test={scores.retrained.test} strong />
      {scores.majorityBaseline === null ? null : <ScoreRow label="majority" validation={null} test={scores.majorityBaseline} />}
    </Box>
  );
  return (
    <Panel title={title} width={width} height={height}>
      <Box flexDirection={stacked ? "column" : "row"}>
        {structure}
        {table}
      </Box>
    </Panel>
  );
}

function ScoreRow({ label, validation, test, strong = false }: { label: string; validation: number | null; test: number | null; strong?: boolean }) {
  const show = (x: number | null) => (x === null ? "–" : formatScore(x));
  return (
    <Text>
      <Text color={theme.muted}>{label.padEnd(12)}</Text>
      <Text color={theme.value}>{show(validation).padStart(11)}</Text>
      <Text color={strong ? theme.good : theme.value} bold={strong}>
        {show(test).padStart(9)}
      </Text>
    </Text>
  );
}
