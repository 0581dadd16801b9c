// createReporter: shows a run's events$ the way `--ui` asks: the ink dashboard (tui), plain progress
// lines (plain) or JSON lines (json). `done` resolves when everything is shown: the stream completed,
// or the user quit the dashboard. A failing stream is shown (the dashboard in place, plain and json as
// an error line), never thrown from here: the command that owns the run reports its exit status.
import { catchError, defer, of, tap, type Observable } from "rxjs";
import type { S3petEvent } from "@s3pet/core";
import { renderDashboard, type QuitAction } from "@s3pet/dashboard";
import type { UiMode } from "./choose-ui.js";
import { reportJson } from "./json-reporter.js";
import { reportPlain } from "./plain-reporter.js";

export interface ReporterOptions {
  /** Where plain and json lines go (the dashboard draws on `terminal`). */
  readonly stdout: { write(chunk: string): unknown };
  /** The dashboard's terminal. @default process.stdout / process.stdin, console output printed above the dashboard */
  readonly terminal?: { readonly stdout: NodeJS.WriteStream; readonly stdin: NodeJS.ReadStream; readonly patchConsole?: boolean };
  /** `q` in the dashboard: "stop" the in-process run (checkpoint first) or "detach" from a watched one. */
  readonly quitAction: QuitAction;
  /** Called once when the user presses `q` in the dashboard. */
  readonly onQuit?: () => void;
  /** Plain reporter: print a step line at least this often (ms of run time). @default 15000 */
  readonly stepIntervalMs?: number;
}

export interface Reporter {
  /** Resolves when the reporter has shown everything (or the user quit the dashboard). */
  readonly done: Promise<void>;
  /** Stops showing the run now. */
  close(): void;
}

export function createReporter(ui: UiMode, events$: Observable<S3petEvent>, options: ReporterOptions): Reporter {
  if (ui === "tui") {
    const terminal = options.terminal ?? { stdout: process.stdout, stdin: process.stdin };
    const dashboard = renderDashboard(events$, { ...terminal, quitAction: options.quitAction, onQuit: options.onQuit });
    return { done: dashboard.exited, close: dashboard.unmount };
  }
  const writeLine = (line: string) => void options.stdout.write(`${line}\n`);
  const shown = withFailureAsEvent(events$);
  const subscription =
    ui === "json"
      ? reportJson(shown, writeLine)
      : reportPlain(shown, writeLine, options.stepIntervalMs === undefined ? {} : { stepIntervalMs: options.stepIntervalMs });
  // A subscription's teardowns run on complete and on unsubscribe alike: either way all is shown.
  const done = new Promise<void>((resolve) => subscription.add(resolve));
  return { done, close: () => subscription.unsubscribe() };
}

/** The stream with its failure turned into a last fatal error event (the dashboard does the same in place). */
function withFailureAsEvent(events$: Observable<S3petEvent>): Observable<S3petEvent> {
  return defer(() => {
    let lastTime: number | null = null;
    return events$.pipe(
      tap((event) => (lastTime = event.time)),
      catchError((error: unknown) =>
        of<S3petEvent>({ type: "error", time: lastTime ?? Date.now(), message: error instanceof Error ? error.message : String(error), fatal: true }),
      ),
    );
  });
}
