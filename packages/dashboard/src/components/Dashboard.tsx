// Dashboard: the live screen of a run: one throttled subscription (useRunState), the terminal size, the
// keys (q: stop the run when in-process / detach when watching / back to the sweep; tab: next panel;
// Ctrl-C: onInterrupt), and DashboardView for the layout. It leaves (ink's useApp().exit, or onLeave
// inside the sweep view) once the run has ended.
// Drawing shares the thread with training, so the frame interval adapts to what a frame costs: at least
// throttleMs, and long enough that drawing takes at most RENDER_BUDGET of the time (at most 2 s).
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from "react";
import { useApp, useInput, useStdin } from "ink";
import type { Observable } from "rxjs";
import type { S3petEvent } from "@s3pet/core/events";
import { useRunState } from "../hooks/use-run-state.js";
import { DEFAULT_THROTTLE_MS } from "../state/run-states.js";
import { useTerminalSize, type TerminalSize } from "../hooks/use-terminal-size.js";
import { isFinished } from "../state/run-state.js";
import { DashboardView } from "./DashboardView.js";
import type { QuitAction } from "./KeyHints.js";

/** Share of the time the dashboard may spend drawing (the rest is training's). */
const RENDER_BUDGET = 0.03;
const MAX_FRAME_INTERVAL_MS = 2000;

export interface DashboardProps {
  readonly events$: Observable<S3petEvent>;
  /**
   * What `q` does: "stop" asks the in-process run to stop gracefully; "detach" leaves a watched run alone;
   * "back" (esc too) leaves it for the screen it was opened from (onLeave). @default "stop"
   */
  readonly quitAction?: QuitAction;
  /** How the dashboard goes away (q when detached or finished, or the run's end). @default exits ink */
  readonly onLeave?: () => void;
  /** Called on `q` (once). */
  readonly onQuit?: () => void;
  /** Called on Ctrl-C (stdin is in raw mode, so no SIGINT arrives by itself). Exits the dashboard when omitted. */
  readonly onInterrupt?: () => void;
  /** Shortest interval between two frames (ms); 0 shows every event at once (tests). @default 34 (30 frames a second) */
  readonly throttleMs?: number;
  /** A fixed size instead of the terminal's (tests). */
  readonly size?: TerminalSize;
  /** Unmount once run-end has been shown or events$ completed. @default true */
  readonly exitOnEnd?: boolean;
}

export function Dashboard({ events$, quitAction = "stop", onQuit, onLeave, onInterrupt, throttleMs = DEFAULT_THROTTLE_MS, size, exitOnEnd = true }: DashboardProps) {
  // What a frame costs, from render start to the layout effect (ink draws in between, at commit): a
  // moving average that skips the first frame (the mount, several times dearer than an update).
  const renderStart = useRef(0);
  const frames = useRef(0);
  const frameCostMs = useRef(0);
  renderStart.current = performance.now();
  useLayoutEffect(() => {
    const cost = performance.now() - renderStart.current;
    frames.current++;
    if (frames.current === 2) frameCostMs.current = cost;
    else if (frames.current > 2) frameCostMs.current = 0.7 * frameCostMs.current + 0.3 * cost;
  });
  const interval = useCallback(
    () => Math.min(MAX_FRAME_INTERVAL_MS, Math.max(throttleMs, frameCostMs.current / RENDER_BUDGET)),
    [throttleMs],
  );
  const { state, complete } = useRunState(events$, throttleMs === 0 ? 0 : interval);
  const terminal = useTerminalSize();
  const { columns, rows } = size ?? terminal;
  const { exit } = useApp();
  const leave = onLeave ?? exit;
  const { isRawModeSupported } = useStdin();
  // ink 6.8 reports undefined (not false) when stdin is /dev/null: only true means keys can be read.
  const interactive = isRawModeSupported === true;
  const [panel, setPanel] = useState(0);
  const [stopping, setStopping] = useState(false);
  // A ref, not the state: two quick presses can reach a handler rendered before the first took effect.
  const quitRequested = useRef(false);
  const finished = isFinished(state) || complete;

  useInput(
    (input, key) => {
      if (key.ctrl && input === "c") {
        if (onInterrupt === undefined) exit();
        else onInterrupt();
      } else if (input === "q" || (key.escape && quitAction === "back")) {
        if (finished || quitAction !== "stop") {
          leave();
        } else {
          setStopping(true);
        }
        if (!quitRequested.current) {
          quitRequested.current = true;
          onQuit?.();
        }
      } else if (key.tab) {
        setPanel((p) => p + (key.shift ? -1 : 1));
      }
    },
    { isActive: interactive },
  );

  useEffect(() => {
    if (!exitOnEnd || !finished) return;
    // On the next macrotask, once ink has drawn the frame that shows the end.
    const timer = setTimeout(leave, 0);
    return () => clearTimeout(timer);
  }, [exitOnEnd, finished, leave]);

  return <DashboardView state={state} columns={columns} rows={rows} panel={panel} stopping={stopping} quitAction={quitAction} interactive={interactive} />;
}
