// LossSparkline: the current phase's training loss, the alpha-step loss (search only) and the history of
// the validation metric, each as a sparkline `▁▂▃▅▇` with its latest value.
import { Text } from "ink";
import type { RunState } from "../state/run-state.js";
import { currentPhase } from "../state/run-state.js";
import { formatScore } from "../format/format-score.js";
import { Panel } from "./Panel.js";
import { theme } from "./theme.js";

export interface LossSparklineProps {
  readonly state: RunState;
  readonly width: number;
  /** Outer height in rows (to line up with the panel beside it). */
  readonly height?: number;
}

const TICKS = "▁▂▃▄▅▆▇█";
const LABEL_WIDTH = 8;
const VALUE_WIDTH = 24;

export function LossSparkline({ state, width, height }: LossSparklineProps) {
  const phase = currentPhase(state);
  // Validation scores of the phase being trained (the search's supernet, then the re-trained structure).
  const trainedPhase = [...state.phases].reverse().find((p) => p.totalSteps > 0)?.phase ?? phase?.phase;
  const evals = state.evals.filter((e) => e.split === "validation" && e.phase === trainedPhase);
  const best = evals.reduce<(typeof evals)[number] | null>((b, e) => (b === null || e.score > b.score ? e : b), null);
  const lineWidth = Math.max(4, width - 4 - LABEL_WIDTH - VALUE_WIDTH);
  return (
    <Panel title={`Loss · ${trainedPhase ?? "–"}`} width={width} height={height}>
      <Series label="train" values={state.loss} width={lineWidth} color="cyanBright" value={last(state.loss)?.toFixed(4)} />
      {state.alphaLoss.length > 0 ? (
        <Series label="α-step" values={state.alphaLoss} width={lineWidth} color="magentaBright" value={last(state.alphaLoss)?.toFixed(4)} />
      ) : null}
      <Series
        label={`val ${state.run?.metric ?? ""}`.slice(0, LABEL_WIDTH - 1)}
        values={evals.map((e) => e.score)}
        width={lineWidth}
        color="greenBright"
        value={evals.length === 0 ? undefined : formatScore(last(evals)!.score)}
        note={best === null ? undefined : `best ${formatScore(best.score)} @${best.step}`}
      />
    </Panel>
  );
}

interface SeriesProps {
  readonly label: string;
  readonly values: readonly number[];
  readonly width: number;
  readonly color: string;
  readonly value: string | undefined;
  readonly note?: string | undefined;
}

function Series({ label, values, width, color, value, note }: SeriesProps) {
  return (
    <Text wrap="truncate-end">
      <Text color={theme.muted}>{label.padEnd(LABEL_WIDTH)}</Text>
      <Text color={color}>{sparkline(values, width).padEnd(width)}</Text>
      <Text color={theme.value}> {value ?? "–"}</Text>
      {note === undefined ? null : <Text color={theme.good}> {note}</Text>}
    </Text>
  );
}

/** Averages `values` into at most `width` buckets and maps each to a tick between their min and max. */
export function sparkline(values: readonly number[], width: number): string {
  if (values.length === 0 || width <= 0) return "";
  const buckets = Math.min(width, values.length);
  const means: number[] = [];
  for (let b = 0; b < buckets; b++) {
    const from = Math.floor((b * values.length) / buckets);
    const to = Math.floor(((b + 1) * values.length) / buckets);
    let sum = 0;
    for (let i = from; i < to; i++) sum += values[i]!;
    means.push(sum / (to - from));
  }
  const lo = Math.min(...means);
  const hi = Math.max(...means);
  const span = hi - lo;
  return means.map((v) => TICKS[span > 0 ? Math.round(((v - lo) / span) * (TICKS.length - 1)) : 3]).join("");
}

function last<T>(values: readonly T[]): T | undefined {
  return values.at(-1);
}
