// EventLog: the latest log-worthy events (run start, task notes, evaluations, checkpoints, errors) in a
// pane inside the live frame, one truncated line each, as many as the layout gives it. Nothing is
// printed above the dashboard: the frame is all there is on screen, and events.jsonl keeps every line.
import { Text } from "ink";
import type { RunState } from "../state/run-state.js";
import { describeEvent } from "../format/describe-event.js";
import { formatDuration } from "../format/format-duration.js";
import { Panel } from "./Panel.js";
import { LEVEL_COLOR, theme } from "./theme.js";

export interface EventLogProps {
  readonly state: RunState;
  readonly width: number;
  /** Outer height, borders included: the pane shows the last `height - 2` lines. */
  readonly height: number;
}

export function EventLog({ state, width, height }: EventLogProps) {
  const { startTime, warnCount, errorCount } = state;
  const lines = state.log.flatMap((entry) => {
    const line = describeEvent(entry.event);
    return line === null ? [] : [{ id: entry.id, time: entry.event.time, line }];
  });
  const shown = lines.slice(-Math.max(0, height - 2));
  const counts = [warnCount > 0 ? `${warnCount} warning${warnCount > 1 ? "s" : ""}` : "", errorCount > 0 ? `${errorCount} error${errorCount > 1 ? "s" : ""}` : ""].filter(Boolean);
  return (
    <Panel title={["Log", ...counts].join(" · ")} width={width} height={height}>
      {shown.length === 0 ? <Text color={theme.muted}>waiting for the first event…</Text> : null}
      {shown.map(({ id, time, line }) => (
        <Text key={id} wrap="truncate-end">
          <Text color={theme.muted}>{(startTime === null ? "" : formatDuration(time - startTime)).padStart(6)} </Text>
          <Text color={LEVEL_COLOR[line.level]}>{line.text}</Text>
        </Text>
      ))}
    </Panel>
  );
}
