// runStates: the run's events folded into RunStates (scan over reduceRunState) and throttled (audit: the
// latest state wins, none is lost at the end). The dashboard's hook subscribes to it; the interval may be
// a function, read anew for every frame, so the Dashboard can stretch it to keep drawing cheap.
import { audit, catchError, identity, of, scan, timer, type Observable } from "rxjs";
import type { S3petEvent } from "@s3pet/core/events";
import { initialRunState, type RunState } from "./run-state.js";
import { reduceRunState } from "./reduce-run-state.js";

/** Frame interval matching ink's default maxFps of 30. */
export const DEFAULT_THROTTLE_MS = Math.ceil(1000 / 30);

/** Milliseconds between two shown states (0: every state), or a function giving it for each frame. */
export type FrameInterval = number | (() => number);

interface SourceFailure {
  readonly type: "source-failure";
  readonly message: string;
}

export function runStates(events$: Observable<S3petEvent>, interval: FrameInterval = DEFAULT_THROTTLE_MS): Observable<RunState> {
  return events$.pipe(
    // A failing source (unreadable events.jsonl, engine crash) becomes a fatal error shown in place.
    catchError((error: unknown) => of<SourceFailure>({ type: "source-failure", message: error instanceof Error ? error.message : String(error) })),
    scan(
      (state: RunState, event: S3petEvent | SourceFailure) =>
        event.type === "source-failure"
          ? reduceRunState(state, { type: "error", time: state.lastTime ?? 0, message: event.message, fatal: true })
          : reduceRunState(state, event),
      initialRunState(),
    ),
    interval === 0 ? identity : audit(() => timer(typeof interval === "number" ? interval : interval())),
  );
}
