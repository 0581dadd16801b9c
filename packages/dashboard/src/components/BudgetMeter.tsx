// BudgetMeter: the budget B, the soft parameter count Σ n_i·p_i against it, the shift b of the shifted
// global sigmoid, and the hard count: what greedy first-fit would keep if the run discretised now
// (computed here from the latest gates, method.md §6), or the chosen structure once there is one.
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
const SUFFIX_WIDTH = 13;

export function BudgetMeter({ state, width, height }: BudgetMeterProps) {
  const budget = state.budget?.budget ?? state.structure?.budget ?? state.run?.budget ?? null;
  const hard = keptCandidates(state);
  const barWidth = Math.max(4, width - 4 - LABEL_WIDTH - COUNT_WIDTH - 1 - 8 - SUFFIX_WIDTH); // pct 8, " · 12 modules"
  return (
    <Panel title="Budget" width={width} height={height}>
      {budget === null ? (
        <Text color={theme.muted}>no budget (fixed structure or full fine-tuning)</Text>
      ) : (
        <>
          <Text wrap="truncate-end">
            <Text color={theme.muted}>{"budget B".padEnd(LABEL_WIDTH)}</Text>
            <Text color={theme.value}>{formatCount(budget).padStart(COUNT_WIDTH)}</Text>
            <Text color={theme.muted}>
              {" params"}
              {state.run === null ? "" : ` · ${formatPercent(budget / state.run.backboneParams)} of the backbone`}
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
            suffix={hard === null ? "" : ` · ${hard.modules} modules`}
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
