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

export function ResultPanel({ state, width, height, stacked = false }: ResultPanelProps) {
  const methods = state.run?.methods ?? [];
  const modules = state.structure?.modules ?? [];
  const groups = [...new Set([...methods, ...modules.map((m) => m.method)])]
    .map((method) => ({ method, modules: modules.filter((m) => m.method === method) }))
    .filter((g) => g.modules.length > 0);
  // Sites in backbone order: by layer, then in the order the run listed its candidates.
  const where = new Map(state.candidates.map((c, i) => [c.site, { layer: c.layer, position: c.position, order: i }]));
  const scores = runScores(state);
  const scoresWidth = 32;
  const structureWidth = stacked ? width - 4 : Math.max(10, width - 4 - scoresWidth - 2);
  const methodWidth = Math.max(6, ...groups.map((g) => g.method.length));
  const title = state.structure === null ? "Result" : `Result · ${modules.length} modules, ${formatCount(state.structure.chosenParams)} / ${formatCount(state.structure.budget)} params`;
  const structure = (
    <Box flexDirection="column" width={structureWidth} marginRight={stacked ? 0 : 2} marginBottom={stacked ? 1 : 0}>
      {groups.length === 0 ? <Text color={theme.muted}>structure not chosen yet</Text> : null}
      {groups.map(({ method, modules: group }) => {
        const sites = group
          .map((m) => where.get(m.site) ?? { layer: null, position: m.site, order: Infinity })
          .sort((a, b) => (a.layer ?? -1) - (b.layer ?? -1) || a.order - b.order)
          .map((s) => shortSite(s.layer, s.position).replace(" ", "\u00a0")); // wrap between sites, not inside one
        const params = formatCount(group.reduce((sum, m) => sum + m.params, 0));
        const label = `${method.padEnd(methodWidth + 1)}${params.padStart(8)} · `;
        return (
          <Box key={method}>
            <Box width={label.length} flexShrink={0}>
              <Text>
                <Text color={methodColor(methods, method)} bold>
                  {method.padEnd(methodWidth + 1)}
                </Text>
                <Text color={theme.value}>{params.padStart(8)}</Text>
                <Text color={theme.muted}> · </Text>
              </Text>
            </Box>
            <Text wrap={stacked ? "wrap" : "truncate-end"}>{sites.join(", ")}</Text>
          </Box>
        );
      })}
    </Box>
  );
  const table = (
    <Box flexDirection="column" width={scoresWidth}>
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
