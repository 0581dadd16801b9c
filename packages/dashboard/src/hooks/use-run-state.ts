// useRunState: the dashboard's only subscription. It folds events$ with the reducer (scan) and throttles
// the resulting states (audit: the latest state wins, none is lost at the end), so rendering sees at most
// one update per frame interval however fast the run emits (style.md §12). The interval may be a
// function, read anew for every frame, so the Dashboard can stretch it to keep drawing cheap.
import { useEffect, useState } from "react";
import { audit, catchError, identity, of, scan, timer, type Observable } from "rxjs";
import type { S3petEvent } from "@s3pet/core";
import { initialRunState, type RunState } from "../state/run-state.js";
import { reduceRunState } from "../state/reduce-run-state.js";

/** Frame interval matching ink's default maxFps of 30. */
export const DEFAULT_THROTTLE_MS = Math.ceil(1000 / 30);

/** Milliseconds between two shown states (0: every state), or a function giving it for each frame. */
export type FrameInterval = number | (() => number);

export interface RunStateSnapshot {
  readonly state: RunState;
  /** True once events$ completed (or failed: its error is then a fatal error in `state`). */
  readonly complete: boolean;
}

interface SourceFailure {
  readonly type: "source-failure";
  readonly message: string;
}

/** The throttled stream of states; exported so non-React consumers see exactly what the dashboard sees. */
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

export function useRunState(events$: Observable<S3petEvent>, interval: FrameInterval = DEFAULT_THROTTLE_MS): RunStateSnapshot {
  const [snapshot, setSnapshot] = useState<RunStateSnapshot>(() => ({ state: initialRunState(), complete: false }));
  useEffect(() => {
    const subscription = runStates(events$, interval).subscribe({
      next: (state) => setSnapshot((s) => ({ ...s, state })),
      complete: () => setSnapshot((s) => ({ ...s, complete: true })),
    });
    return () => subscription.unsubscribe();
  }, [events$, interval]);
  return snapshot;
}
