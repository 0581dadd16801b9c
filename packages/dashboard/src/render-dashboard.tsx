// renderDashboard: mounts the Dashboard on a terminal; `exited` resolves when it is gone. The CLI's
// `--ui tui` reporter and `s3pet watch` both use it. The source is subscribed at once and its events are
// held until the Dashboard subscribes (after its first commit), so a hot events$ loses none.
// When the run is in-process, Ctrl-C (raw mode swallows SIGINT) is passed on as a SIGINT to this process,
// so the CLI's one Ctrl-C policy (graceful, then at once) applies; `q` without an onQuit does the same.
// React and ink are imported statically on purpose: loading them lazily once a run has started makes
// every module wait behind a training step (seconds of blank screen). React's development build doubles
// what a frame costs; the application (the CLI) decides NODE_ENV before anything loads.
import { createElement } from "react";
import { render } from "ink";
import { Observable, type Subscriber } from "rxjs";
import type { S3petEvent } from "@s3pet/core/events";
import { Dashboard } from "./components/Dashboard.js";
import type { QuitAction } from "./components/KeyHints.js";

export interface RenderDashboardOptions {
  /** @default "stop" */
  readonly quitAction?: QuitAction;
  /** @default in-process ("stop"): raise SIGINT on this process (a graceful stop); watching: nothing */
  readonly onQuit?: () => void;
  /** @default in-process ("stop"): raise SIGINT on this process; watching ("detach"): exit the dashboard */
  readonly onInterrupt?: () => void;
  /** Shortest interval between frames (ms). @default 34 */
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
  const held$ = holdUntilSubscribed(events$);
  const quitAction = options.quitAction ?? "stop";
  const interrupt = () => process.kill(process.pid, "SIGINT");
  const dashboard = createElement(Dashboard, {
    events$: held$,
    quitAction,
    onQuit: options.onQuit ?? (quitAction === "stop" ? interrupt : undefined),
    onInterrupt: options.onInterrupt ?? (quitAction === "stop" ? interrupt : undefined),
    throttleMs: options.throttleMs,
  });
  const instance = render(dashboard, {
    stdout: options.stdout ?? process.stdout,
    stdin: options.stdin ?? process.stdin,
    stderr: options.stderr ?? process.stderr,
    exitOnCtrlC: false,
    patchConsole: options.patchConsole ?? true,
  });
  const exited = instance
    .waitUntilExit()
    .then(() => undefined)
    .finally(() => held$.release());
  return {
    exited,
    unmount: () => {
      instance.unmount();
      held$.release();
    },
  };
}

/**
 * events$ subscribed now, its events kept until the one subscriber comes (the Dashboard, in an effect
 * after its first commit), then passed straight through; when that subscriber leaves, or on
 * `release`, events$ is unsubscribed (a followed events.jsonl stops being read).
 */
function holdUntilSubscribed(events$: Observable<S3petEvent>): Observable<S3petEvent> & { release(): void } {
  const held: S3petEvent[] = [];
  let ended: { error: unknown } | "complete" | null = null;
  let subscriber: Subscriber<S3petEvent> | null = null;
  const upstream = events$.subscribe({
    next: (event) => (subscriber === null ? held.push(event) : subscriber.next(event)),
    error: (error: unknown) => (subscriber === null ? (ended = { error }) : subscriber.error(error)),
    complete: () => (subscriber === null ? (ended = "complete") : subscriber.complete()),
  });
  const passed$ = new Observable<S3petEvent>((s) => {
    for (const event of held.splice(0)) s.next(event);
    if (ended === "complete") s.complete();
    else if (ended !== null) s.error(ended.error);
    else subscriber = s;
    return () => {
      subscriber = null;
      upstream.unsubscribe(); // the one subscriber is gone: so is the dashboard
    };
  });
  return Object.assign(passed$, { release: () => upstream.unsubscribe() });
}
