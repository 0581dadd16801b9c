// SweepDashboard: the live sweep view (SweepView) with its keys: ↑/↓ (or k/j) move the cursor, enter
// opens the selected job's run in the run Dashboard (its own panels, fed by `openRun`), where q or esc
// comes back to the list; q here leaves (the sweep goes on without the view), as does Ctrl-C anywhere.
import { useCallback, useMemo, useRef, useState } from "react";
import { useApp, useInput, useStdin } from "ink";
import type { Observable } from "rxjs";
import type { S3petEvent } from "@s3pet/core/events";
import { useSweepState } from "../hooks/use-sweep-state.js";
import { useTerminalSize, type TerminalSize } from "../hooks/use-terminal-size.js";
import { DEFAULT_THROTTLE_MS } from "../state/run-states.js";
import { canOpen, moveSelection, selectedJob, type SweepEvent } from "../state/sweep-state.js";
import { Dashboard } from "./Dashboard.js";
import { SweepView } from "./SweepView.js";

export interface SweepDashboardProps {
  readonly events$: Observable<SweepEvent>;
  /** The events of a job's run, from its events.jsonl (subscribed while its dashboard is open). */
  readonly openRun: (id: string) => Observable<S3petEvent>;
  /** What the sweep is (grid file, queue), for the header. */
  readonly title: string;
  /** Shortest interval between two frames (ms); 0 shows every update at once (tests). @default 34 */
  readonly throttleMs?: number;
  /** A fixed size instead of the terminal's (tests). */
  readonly size?: TerminalSize;
}

export function SweepDashboard({ events$, openRun, title, throttleMs = DEFAULT_THROTTLE_MS, size }: SweepDashboardProps) {
  const state = useSweepState(events$, throttleMs);
  const terminal = useTerminalSize();
  const { columns, rows } = size ?? terminal;
  const { exit } = useApp();
  const { isRawModeSupported } = useStdin();
  const interactive = isRawModeSupported === true;
  const [picked, setPicked] = useState<string | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const run$ = useMemo(() => (open === null ? null : openRun(open)), [open, openRun]);
  const back = useCallback(() => setOpen(null), []);
  // Refs, not the state: keys typed quickly reach a handler rendered before the previous key took effect.
  const latest = useRef(state);
  latest.current = state;
  const opened = useRef(open);
  opened.current = open;
  const pickedRef = useRef<string | null>(null);
  const pick = (id: string | null) => {
    pickedRef.current = id;
    setPicked(id);
  };

  useInput(
    (input, key) => {
      // Always listening (no re-activation to miss a key after coming back); the run's keys are its own.
      if (opened.current !== null) return;
      if (input === "q" || (key.ctrl && input === "c")) exit();
      else if (key.upArrow || input === "k") pick(moveSelection(latest.current, pickedRef.current, -1));
      else if (key.downArrow || input === "j") pick(moveSelection(latest.current, pickedRef.current, 1));
      else if (key.return) {
        const job = selectedJob(latest.current, pickedRef.current);
        if (job !== null && canOpen(job)) {
          pick(job.id);
          setOpen(job.id);
        }
      }
    },
    { isActive: interactive },
  );

  if (run$ !== null) {
    return <Dashboard events$={run$} quitAction="back" onLeave={back} onInterrupt={exit} exitOnEnd={false} throttleMs={throttleMs} {...(size && { size })} />;
  }
  return <SweepView state={state} picked={picked} title={title} columns={columns} rows={rows} interactive={interactive} />;
}
