// RunHandle: what runSearch/runTrain return at once, before any work starts, so the caller can
// subscribe to `events$` and wire Ctrl-C to `stop()` without missing the first event.
import type { Observable } from "rxjs";
import type { S3petEvent } from "../events/events.js";
import type { RunResults } from "./run-results.js";

export interface RunResult {
  /** `stopped`: stop() (or a hook) ended the run after writing a checkpoint; resume continues it. */
  readonly status: "done" | "stopped";
  readonly outDir: string;
  /** results.json's content; null when stopped before the end. */
  readonly results: RunResults | null;
}

export interface RunHandle {
  readonly outDir: string;
  /** Every event of the run, in order; completes after `run-end`. */
  readonly events$: Observable<S3petEvent>;
  /** Resolves when the run ends (done or stopped); rejects with the error that failed it. */
  readonly result: Promise<RunResult>;
  /** Finish the current step, write a checkpoint, end with run-end status `stopped`. Idempotent. */
  stop(): void;
}
