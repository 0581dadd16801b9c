// renderSweepDashboard: mounts the SweepDashboard on a terminal; `exited` resolves when the user has
// left it. `s3pet sweep status --ui tui` uses it, feeding the queue's updates as SweepEvents.
import { createElement } from "react";
import type { Observable } from "rxjs";
import type { S3petEvent } from "@s3pet/core/events";
import { SweepDashboard } from "./components/SweepDashboard.js";
import { mountOnTerminal, type DashboardHandle, type TerminalOptions } from "./mount-on-terminal.js";
import type { SweepEvent } from "./state/sweep-state.js";

export interface RenderSweepDashboardOptions extends TerminalOptions {
  /** The events of a job's run (its events.jsonl, followed), for the run dashboard opened with enter. */
  readonly openRun: (id: string) => Observable<S3petEvent>;
  /** What the sweep is (grid file, queue), for the header. */
  readonly title: string;
}

export function renderSweepDashboard(events$: Observable<SweepEvent>, options: RenderSweepDashboardOptions): DashboardHandle {
  return mountOnTerminal(events$, (held$) => createElement(SweepDashboard, { events$: held$, openRun: options.openRun, title: options.title }), options);
}
