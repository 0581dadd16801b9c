// useRunState: the dashboard's only subscription, to runStates (the reducer folded over events$ and
// throttled to the frame interval), so rendering sees at most one update per frame however fast the run
// emits (docs/ARCHITECTURE.md, convention §12).
import { useEffect, useState } from "react";
import type { Observable } from "rxjs";
import type { S3petEvent } from "@s3pet/core/events";
import { initialRunState, type RunState } from "../state/run-state.js";
import { DEFAULT_THROTTLE_MS, runStates, type FrameInterval } from "../state/run-states.js";

export interface RunStateSnapshot {
  readonly state: RunState;
  /** True once events$ completed (or failed: its error is then a fatal error in `state`). */
  readonly complete: boolean;
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
