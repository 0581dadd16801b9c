// renderDashboard: mounts the Dashboard on a terminal and returns when it exits. The CLI's `--ui tui`
// reporter and `s3pet watch` both use it. When the run is in-process, Ctrl-C (raw mode swallows SIGINT)
// is passed on as a SIGINT to this process, so the CLI's one Ctrl-C policy (graceful, then at once)
// applies, and `q` without an onQuit does the same as a first Ctrl-C.
import { render } from "ink";
import type { Observable } from "rxjs";
import type { S3petEvent } from "@s3pet/core";
import { Dashboard } from "./components/Dashboard.js";
import type { QuitAction } from "./components/KeyHints.js";

export interface RenderDashboardOptions {
  /** @default "stop" */
  readonly quitAction?: QuitAction;
  /** @default in-process ("stop"): raise SIGINT on this process (a graceful stop); watching: nothing */
  readonly onQuit?: () => void;
  /** @default in-process ("stop"): raise SIGINT on this process; watching ("detach"): exit the dashboard */
  readonly onInterrupt?: () => void;
  readonly throttleMs?: number;
  readonly stdout?: NodeJS.WriteStream;
  readonly stdin?: NodeJS.ReadStream;
  readonly stderr?: NodeJS.WriteStream;
  /** Print stray console output above the dashboard instead of through it. @default true */
  readonly patchConsole?: boolean;
}

export interface DashboardHandle {
  /** Resolves when the dashboard has exited (run ended, `q`, or unmount). */
  readonly exited: Promise<void>;
  readonly unmount: () => void;
}

export function renderDashboard(events$: Observable<S3petEvent>, options: RenderDashboardOptions = {}): DashboardHandle {
  const quitAction = options.quitAction ?? "stop";
  const interrupt = () => process.kill(process.pid, "SIGINT");
  const onInterrupt = options.onInterrupt ?? (quitAction === "stop" ? interrupt : undefined);
  const onQuit = options.onQuit ?? (quitAction === "stop" ? interrupt : undefined);
  const instance = render(
    <Dashboard events$={events$} quitAction={quitAction} onQuit={onQuit} onInterrupt={onInterrupt} throttleMs={options.throttleMs} />,
    {
      stdout: options.stdout ?? process.stdout,
      stdin: options.stdin ?? process.stdin,
      stderr: options.stderr ?? process.stderr,
      exitOnCtrlC: false,
      patchConsole: options.patchConsole ?? true,
    },
  );
  return { exited: instance.waitUntilExit().then(() => undefined), unmount: () => instance.unmount() };
}
