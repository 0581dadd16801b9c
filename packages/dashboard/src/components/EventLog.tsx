// EventLog: every log-worthy event as one line above the live panels. Lines are printed once through
// ink's <Static> (the terminal keeps them in its scrollback, like ink's test-runner example), so the
// log costs nothing per frame however long the run. Errors are lines here, never a crash.
import { Static, Text } from "ink";
import type { LoggedEvent } from "../state/run-state.js";
import { describeEvent } from "../format/describe-event.js";
import { formatDuration } from "../format/format-duration.js";
import { LEVEL_COLOR, theme } from "./theme.js";

export interface EventLogProps {
  /** Append-only. */
  readonly log: readonly LoggedEvent[];
  /** Time of the run start, for the elapsed-time column. */
  readonly startTime: number | null;
}

export function EventLog({ log, startTime }: EventLogProps) {
  return (
    <Static items={log as LoggedEvent[]}>
      {(entry) => {
        const line = describeEvent(entry.event);
        if (line === null) return <Text key={entry.id} />;
        const at = startTime === null ? "" : formatDuration(entry.event.time - startTime);
        return (
          <Text key={entry.id}>
            <Text color={theme.muted}>{at.padStart(7)} </Text>
            <Text color={LEVEL_COLOR[line.level]}>{line.text}</Text>
          </Text>
        );
      }}
    </Static>
  );
}
