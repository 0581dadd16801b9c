// RunHeader: two lines naming the run (name, status, elapsed, ETA) and its setting (backbone, task,
// backend, methods, budget, seed). Elapsed and ETA run on the event clock (state/phase-timing.ts).
import { Box, Text } from "ink";
import type { RunState } from "../state/run-state.js";
import { currentPhase } from "../state/run-state.js";
import { elapsedMs, phaseEtaMs } from "../state/phase-timing.js";
import { formatCount, formatPercent } from "../format/format-count.js";
import { formatDuration } from "../format/format-duration.js";
import { methodColor, STATUS_COLOR, theme } from "./theme.js";
import { TitleBar } from "./TitleBar.js";

export interface RunHeaderProps {
  readonly state: RunState;
  readonly width: number;
}

export function RunHeader({ state, width }: RunHeaderProps) {
  const { run } = state;
  const phase = currentPhase(state);
  const eta = phase === null ? null : phaseEtaMs(phase);
  const elapsed = elapsedMs(state);
  const clock = `elapsed ${elapsed === null ? "–" : formatDuration(elapsed)}${eta === null ? "" : ` · ETA ${formatDuration(eta)}`}`;
  return (
    <Box flexDirection="column" width={width}>
      {/* On a narrow terminal the run's name and status come first. */}
      <TitleBar width={width} note={width >= 60 ? clock : null}>
        <Text bold color={theme.value}>
          {run?.name ?? "waiting for run-start…"}
        </Text>
        {state.resumed ? <Text color={theme.warn}> (resumed)</Text> : null}{" "}
        <Text color={STATUS_COLOR[state.status]}>● {state.status}</Text>
      </TitleBar>
      {run === null ? (
        <Text color={theme.muted}> </Text>
      ) : (
        <Text wrap="truncate-end">
          {run.backbone}
          <Text color={theme.muted}> {formatCount(run.backboneParams)} params · </Text>
          {run.task}
          <Text color={theme.muted}> ({run.metric}) · </Text>
          {run.backend}
          <Text color={theme.muted}> · budget </Text>
          {run.budget === null ? "full" : formatCount(run.budget)}
          {run.budget === null ? null : <Text color={theme.muted}> = {formatPercent(run.budget / run.backboneParams)}</Text>}
          <Text color={theme.muted}> · seed </Text>
          {run.seed}
          <Text color={theme.muted}> ·</Text>
          {run.methods.map((m) => (
            <Text key={m} color={methodColor(run.methods, m)}>
              {" "}
              {m}
            </Text>
          ))}
        </Text>
      )}
    </Box>
  );
}
