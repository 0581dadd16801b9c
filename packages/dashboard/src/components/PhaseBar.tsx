// PhaseBar: the pipeline (search → discretize → retrain → test, or train → test) as chips with their
// durations, and the current phase's progress bar with steps/total, tokens/s and learning rate.
import { Box, Text } from "ink";
import type { PhaseName, RunInfo } from "@s3pet/core/events";
import type { PhaseProgress, RunState } from "../state/run-state.js";
import { currentPhase } from "../state/run-state.js";
import { formatCount } from "../format/format-count.js";
import { formatDuration } from "../format/format-duration.js";
import { Bar } from "./Bar.js";
import { STATUS_COLOR, theme } from "./theme.js";

export interface PhaseBarProps {
  readonly state: RunState;
  readonly width: number;
}

const PIPELINE: Readonly<Record<RunInfo["command"], readonly PhaseName[]>> = {
  search: ["search", "discretize", "retrain", "test"],
  train: ["train", "test"],
  pretrain: ["pretrain"],
};

export function PhaseBar({ state, width }: PhaseBarProps) {
  const planned = PIPELINE[state.run?.command ?? "search"];
  const seen = state.phases.map((p) => p.phase);
  const names = [...planned, ...seen.filter((p) => !planned.includes(p))];
  const current = currentPhase(state);
  return (
    <Box flexDirection="column" width={width}>
      <Text wrap="truncate-end">
        {names.map((name, i) => {
          const progress = lastOf(state.phases, name);
          const { mark, color } = chip(progress, progress !== null && progress === current, state);
          const running = mark === "●";
          const took = progress?.endTime == null ? "" : ` ${formatDuration(progress.endTime - progress.startTime)}`;
          return (
            <Text key={name}>
              {i > 0 ? <Text color={theme.muted}> ─ </Text> : null}
              <Text color={color} bold={running}>
                {mark} {name}
              </Text>
              <Text color={theme.muted}>{took}</Text>
            </Text>
          );
        })}
      </Text>
      <ProgressLine phase={current} state={state} width={width} />
    </Box>
  );
}

function ProgressLine({ phase, state, width }: { phase: PhaseProgress | null; state: RunState; width: number }) {
  if (state.end !== null) {
    return <Text color={STATUS_COLOR[state.status]}>run {state.end.status} in {formatDuration(state.end.elapsedMs)}</Text>;
  }
  if (phase === null) return <Text color={theme.muted}>waiting for the first phase…</Text>;
  if (phase.totalSteps <= 0) return <Text color={STATUS_COLOR[state.status]}>{phase.phase} …</Text>;
  const steps = `${phase.step}/${phase.totalSteps}`;
  const pct = `${Math.floor((100 * phase.step) / phase.totalSteps)}%`.padStart(4);
  const speed = phase.tokensPerSecond === null ? "" : ` · ${formatCount(phase.tokensPerSecond)} tok/s`;
  const lr = phase.lr === null ? "" : ` · lr ${phase.lr.toExponential(1)}`;
  const label = phase.phase.padEnd(8);
  const tail = ` ${steps} ${pct}${speed}${lr}`;
  const barWidth = Math.max(5, width - label.length - tail.length - 1);
  return (
    <Text wrap="truncate-end">
      <Text color={STATUS_COLOR[state.status]} bold>
        {label}
      </Text>
      <Bar fraction={phase.step / phase.totalSteps} width={barWidth} color={STATUS_COLOR[state.status]} />
      <Text color={theme.value}> {steps}</Text>
      <Text>
        {" "}
        {pct}
      </Text>
      <Text color={theme.muted}>
        {speed}
        {lr}
      </Text>
    </Text>
  );
}

/** ○ not started, ● running, ✔ finished, ■ interrupted (the last phase of a stopped or failed run). */
function chip(progress: PhaseProgress | null, isCurrent: boolean, state: RunState): { mark: string; color: string } {
  if (progress === null) return { mark: "○", color: theme.muted };
  if (progress.endTime === null && state.end === null) return { mark: "●", color: STATUS_COLOR[state.status] };
  if (isCurrent && state.end !== null && state.end.status !== "done") return { mark: "■", color: STATUS_COLOR[state.status] };
  return { mark: "✔", color: theme.good };
}

function lastOf(phases: readonly PhaseProgress[], name: PhaseName): PhaseProgress | null {
  for (let i = phases.length - 1; i >= 0; i--) if (phases[i]!.phase === name) return phases[i]!;
  return null;
}
