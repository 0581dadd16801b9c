// BudgetMeter: the budget B, the soft parameter count Σ n_i·p_i against it, the shift b of the shifted
// global sigmoid, and the hard count: what greedy first-fit would keep if the run discretised now
// (computed here from the latest gates, docs/METHOD.md §6), or the chosen structure once there is one.
import { Text } from "ink";
import type { RunState } from "../state/run-state.js";
import { keptCandidates } from "../state/kept-candidates.js";
import { formatCount, formatPercent } from "../format/format-count.js";
import { Bar } from "./Bar.js";
import { Panel } from "./Panel.js";
import { theme } from "./theme.js";

export interface BudgetMeterProps {
  readonly state: RunState;
  readonly width: number;
  readonly height?: number;
}

const LABEL_WIDTH = 11;
const COUNT_WIDTH = 9;
const PERCENT_WIDTH = 7;
const SUFFIX_WIDTH = 13;

export function BudgetMeter({ state, width, height }: BudgetMeterProps) {
  const budget = state.budget?.budget ?? state.structure?.budget ?? state.run?.budget ?? null;
  const hard = keptCandidates(state);
  const share = budget === null || state.run === null ? null : formatPercent(budget / state.run.backboneParams);
  // The hard line's " · 7 modules" only where the bars keep a useful length (TopCandidates marks them too).
  const room = width - 4 - LABEL_WIDTH - COUNT_WIDTH - 1 - PERCENT_WIDTH;
  const withModules = room - SUFFIX_WIDTH >= 12;
  const barWidth = Math.max(4, withModules ? room - SUFFIX_WIDTH : room);
  return (
    <Panel title="Budget" width={width} height={height}>
      {budget === null ? (
        <Text color={theme.muted}>{state.run?.methods.length === 0 ? "full fine-tuning: no budget" : "fixed structure: no budget"}</Text>
      ) : (
        <>
          <Text wrap="truncate-end">
            <Text color={theme.muted}>{"budget B".padEnd(LABEL_WIDTH)}</Text>
            <Text color={theme.value}>{formatCount(budget).padStart(COUNT_WIDTH)}</Text>
            <Text color={theme.muted}>
              {" params"}
              {share === null ? "" : width - 4 - LABEL_WIDTH - COUNT_WIDTH - 7 >= share.length + 19 ? ` · ${share} of the backbone` : ` · ${share}`}
            </Text>
          </Text>
          <Meter label="soft Σn·p" count={state.budget?.soft ?? null} budget={budget} barWidth={barWidth} color="cyanBright" />
          <Text wrap="truncate-end">
            <Text color={theme.muted}>{"shift b".padEnd(LABEL_WIDTH)}</Text>
            <Text color={theme.value}>{(state.budget === null ? "–" : state.budget.shift.toFixed(3)).padStart(COUNT_WIDTH)}</Text>
            <Text color={theme.muted}>{state.budget === null ? "" : ` at step ${state.budget.step}`}</Text>
          </Text>
          <Meter
            label={hard?.final ? "chosen" : "hard now"}
            count={hard?.params ?? null}
            budget={budget}
            barWidth={barWidth}
            color={hard?.final ? "greenBright" : "yellowBright"}
            suffix={hard === null || !withModules ? "" : ` · ${hard.modules} modules`}
          />
        </>
      )}
    </Panel>
  );
}

interface MeterProps {
  readonly label: string;
  readonly count: number | null;
  readonly budget: number;
  readonly barWidth: number;
  readonly color: string;
  readonly suffix?: string;
}

function Meter({ label, count, budget, barWidth, color, suffix = "" }: MeterProps) {
  return (
    <Text wrap="truncate-end">
      <Text color={theme.muted}>{label.padEnd(LABEL_WIDTH)}</Text>
      <Text color={theme.value}>{(count === null ? "–" : formatCount(count)).padStart(COUNT_WIDTH)}</Text>
      <Text> </Text>
      <Bar fraction={count === null ? 0 : count / budget} width={barWidth} color={color} />
      <Text>{count === null ? "" : ` ${formatPercent(count / budget).padStart(6)}`}</Text>
      <Text color={theme.muted}>{suffix}</Text>
    </Text>
  );
}
