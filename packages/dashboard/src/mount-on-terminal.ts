// mountOnTerminal: a view fed by a hot source, mounted with ink on a terminal (renderDashboard and
// renderSweepDashboard). The source is subscribed at once and held until the view subscribes (after its
// first commit), and let go when the view exits or is unmounted.
import type { ReactElement } from "react";
import { render } from "ink";
import type { Observable } from "rxjs";
import { holdUntilSubscribed } from "./sources/hold-until-subscribed.js";

export interface TerminalOptions {
  readonly stdout?: NodeJS.WriteStream;
  readonly stdin?: NodeJS.ReadStream;
  readonly stderr?: NodeJS.WriteStream;
  /** Print stray console output above the view instead of through it. @default true */
  readonly patchConsole?: boolean;
}

export interface DashboardHandle {
  /** Resolves when the view has exited (run ended, `q`, or unmount). */
  readonly exited: Promise<void>;
  readonly unmount: () => void;
}

export function mountOnTerminal<T>(source$: Observable<T>, view: (held$: Observable<T>) => ReactElement, terminal: TerminalOptions): DashboardHandle {
  const held$ = holdUntilSubscribed(source$);
  const instance = render(view(held$), {
    stdout: terminal.stdout ?? process.stdout,
    stdin: terminal.stdin ?? process.stdin,
    stderr: terminal.stderr ?? process.stderr,
    exitOnCtrlC: false,
    patchConsole: terminal.patchConsole ?? true,
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
