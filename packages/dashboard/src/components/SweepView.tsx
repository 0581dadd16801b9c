// SweepView: the sweep's screen as a pure function of SweepState, the job under the cursor and the
// terminal size: a header with the counts per state, then one row per job (its grid values, its state
// and what goes with it: phase and progress while running, the test score when done, the error when
// failed), scrolled to keep the cursor in sight, and the keys; a line under the header while the queue
// cannot be read. Never taller than the terminal.
import { Box, Text } from "ink";
import { formatScore } from "../format/format-score.js";
import { canOpen, countJobs, selectedJob, type SweepJob, type SweepJobStatus, type SweepState } from "../state/sweep-state.js";
import { Bar } from "./Bar.js";
import { Key } from "./KeyHints.js";
import { TitleBar } from "./TitleBar.js";
import { theme } from "./theme.js";

export interface SweepViewProps {
  readonly state: SweepState;
  /** The id the user moved the cursor to, if any (see selectedJob). */
  readonly picked: string | null;
  /** What the sweep is, e.g. the grid file and the queue. */
  readonly title: string;
  readonly columns: number;
  readonly rows: number;
  readonly interactive: boolean;
}

const STATE: Readonly<Record<SweepJobStatus, { readonly mark: string; readonly color: string }>> = {
  waiting: { mark: "○", color: theme.muted },
  running: { mark: "●", color: "cyan" },
  done: { mark: "✔", color: theme.good },
  failed: { mark: "✖", color: theme.bad },
};
const STATE_WIDTH = 11; // "● running  "
const BAR_WIDTH = 16;

export function SweepView({ state, picked, title, columns, rows, interactive }: SweepViewProps) {
  const width = Math.max(20, columns);
  const counts = countJobs(state);
  const selected = selectedJob(state, picked);
  // Header, column names and keys take 3 rows (4 with the queue's error); one row stays free below the frame
  // (as the run dashboard's).
  const listRows = Math.max(1, rows - 1 - 3 - (state.queueError === null ? 0 : 1));
  const index = selected === null ? 0 : state.jobs.indexOf(selected);
  const start = Math.min(Math.max(0, index - Math.floor(listRows / 2)), Math.max(0, state.jobs.length - listRows));
  const shown = state.jobs.slice(start, start + listRows);
  const axes = [...new Set(state.jobs.flatMap((j) => Object.keys(j.axes)))];
  const idWidth = Math.max(3, ...state.jobs.map((j) => j.id.length));
  const axisWidths = axes.map((a) => Math.max(a.length, ...state.jobs.map((j) => (j.axes[a] ?? "").length)));
  const cells = (id: string, values: readonly string[]) => [id.padEnd(idWidth), ...values.map((v, i) => v.padEnd(axisWidths[i]!))].join("  ");
  const scrolled = state.jobs.length > listRows ? ` · ${start + 1}–${start + shown.length} of ${state.jobs.length}` : "";
  const summary = `${state.jobs.length} runs: ${counts.running} running · ${counts.done} done · ${counts.waiting} waiting · ${counts.failed} failed`;

  return (
    <Box flexDirection="column" width={width}>
      <TitleBar width={width} note={summary}>
        <Text bold color={theme.value}>
          sweep {title}
        </Text>
      </TitleBar>
      {state.queueError === null ? null : (
        <Text color={theme.bad} wrap="truncate-end">
          {`✖ queue unreachable: ${state.queueError} · states below are the last known · retrying`}
        </Text>
      )}
      <Text color={theme.muted} wrap="truncate-end">
        {"  "}
        {cells("run", axes)}
        {"  "}
        {"state".padEnd(STATE_WIDTH)}
        {"progress · score · error"}
        {scrolled}
      </Text>
      {state.jobs.length === 0 ? <Text color={theme.muted}>no runs in this sweep</Text> : null}
      {shown.map((job) => {
        const isSelected = job === selected;
        const { mark, color } = STATE[job.status];
        return (
          <Text key={job.id} wrap="truncate-end" bold={isSelected}>
            <Text color={theme.accent}>{isSelected ? "▸ " : "  "}</Text>
            {cells(
              job.id,
              axes.map((a) => job.axes[a] ?? ""),
            )}
            {"  "}
            <Text color={color}>{`${mark} ${job.status}`.padEnd(STATE_WIDTH)}</Text>
            <Detail job={job} />
          </Text>
        );
      })}
      <SweepKeys interactive={interactive} selected={selected} />
    </Box>
  );
}

function Detail({ job }: { job: SweepJob }) {
  if (job.status === "done") return <Text color={theme.value}>{job.test === null ? "" : `test ${formatScore(job.test)}`}</Text>;
  if (job.status === "failed") return <Text color={theme.bad}>{job.error ?? ""}</Text>;
  if (job.status === "running" && job.progress !== null) {
    const { phase, step, totalSteps } = job.progress;
    const pct = totalSteps > 0 ? `${Math.floor((100 * step) / totalSteps)}%`.padStart(5) : "";
    return (
      <Text>
        {phase.padEnd(9)}
        {totalSteps > 0 ? <Bar fraction={step / totalSteps} width={BAR_WIDTH} /> : null}
        <Text color={theme.value}>{totalSteps > 0 ? ` ${step}/${totalSteps}` : ""}</Text>
        {pct}
      </Text>
    );
  }
  return <Text />;
}

function SweepKeys({ interactive, selected }: { interactive: boolean; selected: SweepJob | null }) {
  if (!interactive) return <Text color={theme.muted} wrap="truncate-end">(keys unavailable: stdin is not a terminal)</Text>;
  const open = selected !== null && canOpen(selected);
  return (
    <Text wrap="truncate-end">
      <Key name="↑↓" />
      <Text color={theme.muted}> select  ·  </Text>
      <Key name="enter" />
      <Text color={theme.muted}>{open ? " open its run" : selected?.status === "failed" ? " (failed: see its error)" : " (not started yet)"}</Text>
      <Text color={theme.muted}>{"  ·  "}</Text>
      <Key name="q" />
      <Text color={theme.muted}> quit (the sweep goes on)</Text>
    </Text>
  );
}

