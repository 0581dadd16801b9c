// useSweepState: the sweep view's only subscription: reduceSweepState folded over events$, at most one
// state per frame (a queue snapshot arrives as a burst of job updates).
import { useEffect, useState } from "react";
import { audit, identity, scan, timer, type Observable } from "rxjs";
import { reduceSweepState } from "../state/reduce-sweep-state.js";
import { initialSweepState, type SweepEvent, type SweepState } from "../state/sweep-state.js";

export function useSweepState(events$: Observable<SweepEvent>, throttleMs: number): SweepState {
  const [state, setState] = useState(initialSweepState);
  useEffect(() => {
    const subscription = events$
      .pipe(
        scan(reduceSweepState, initialSweepState()),
        throttleMs === 0 ? identity : audit(() => timer(throttleMs)),
      )
      .subscribe(setState);
    return () => subscription.unsubscribe();
  }, [events$, throttleMs]);
  return state;
}
