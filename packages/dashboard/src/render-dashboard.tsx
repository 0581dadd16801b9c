// renderDashboard: mounts the Dashboard on a terminal; `exited` resolves when it is gone. The CLI's
// `--ui tui` reporter and `s3pet watch` both use it. The source is subscribed at once and its events are
// held until the Dashboard subscribes (after its first commit), so a hot events$ loses none.
// When the run is in-process, Ctrl-C (raw mode swallows SIGINT) is passed on as a SIGINT to this process,
// so the CLI's one Ctrl-C policy (graceful, then at once) applies; `q` without an onQuit does the same.
// React and ink are imported statically on purpose: loading them lazily once a run has started makes
// every module wait behind a training step (seconds of blank screen). React's development build doubles
// what a frame costs; the application (the CLI) decides NODE_ENV before anything loads.
import { createElement } from "react";
import type { Observable } from "rxjs";
import type { S3petEvent } from "@s3pet/core/events";
import { Dashboard } from "./components/Dashboard.js";
import { mountOnTerminal, type DashboardHandle, type TerminalOptions } from "./mount-on-terminal.js";
import type { QuitAction } from "./components/KeyHints.js";

export interface RenderDashboardOptions extends TerminalOptions {
  /** @default "stop" */
  readonly quitAction?: QuitAction;
  /** @default in-process ("stop"): raise SIGINT on this process (a graceful stop); watching: nothing */
  readonly onQuit?: () => void;
  /** @default in-process ("stop"): raise SIGINT on this process; watching ("detach"): exit the dashboard */
  readonly onInterrupt?: () => void;
  /** Shortest interval between frames (ms). @default 34 */
  readonly throttleMs?: number;
}

export function renderDashboard(events$: Observable<S3petEvent>, options: RenderDashboardOptions = {}): DashboardHandle {
  const quitAction = options.quitAction ?? "stop";
  const interrupt = () => process.kill(process.pid, "SIGINT");
  return mountOnTerminal(
    events$,
    (held$) =>
      createElement(Dashboard, {
        events$: held$,
        quitAction,
        onQuit: options.onQuit ?? (quitAction === "stop" ? interrupt : undefined),
        onInterrupt: options.onInterrupt ?? (quitAction === "stop" ? interrupt : undefined),
        throttleMs: options.throttleMs,
      }),
    options,
  );
}
