// SweepState: every run of a sweep as the sweep view shows it, one immutable value built by
// reduceSweepState from plain SweepEvents. The dashboard knows no queue: whoever follows the sweep (the
// CLI, from BullMQ's queue events) turns what it sees into these events.

export type SweepJobStatus = "waiting" | "running" | "done" | "failed";

/** Where a running job is: its phase and step (as its run's step events tell). */
export interface SweepJobProgress {
  readonly phase: string;
  readonly step: number;
  readonly totalSteps: number;
}

export interface SweepJob {
  /** The run's id in the sweep (its run directory's name). */
  readonly id: string;
  /** Its values on the grid's axes, e.g. { structure: "lora", seed: "1" }. */
  readonly axes: Readonly<Record<string, string>>;
  readonly status: SweepJobStatus;
  /** Of a running job, once it has reported a step. */
  readonly progress: SweepJobProgress | null;
  /** Re-trained test score of a finished job. */
  readonly test: number | null;
  /** One-line error of a failed job. */
  readonly error: string | null;
}

export type SweepEvent =
  /** The sweep's runs in grid order, all waiting until told otherwise (a new list replaces the old one). */
  | { readonly type: "jobs"; readonly jobs: readonly { readonly id: string; readonly axes: Readonly<Record<string, string>> }[] }
  /** One job's state now; fields not given are cleared (progress is kept while the job keeps running). */
  | {
      readonly type: "job";
      readonly id: string;
      readonly status: SweepJobStatus;
      readonly progress?: SweepJobProgress;
      readonly test?: number;
      readonly error?: string;
    }
  /**
   * Whether the queue can be read: `error` is why not (Redis gone), null once it answers again. The
   * jobs then show their last known state, which the view says may be stale.
   */
  | { readonly type: "queue"; readonly error: string | null };

export interface SweepState {
  readonly jobs: readonly SweepJob[];
  /** Why the queue cannot be read right now (the job states are the last ones known), or null. */
  readonly queueError: string | null;
}

export function initialSweepState(): SweepState {
  return { jobs: [], queueError: null };
}

/** Jobs per status, for the header. */
export function countJobs(state: SweepState): Readonly<Record<SweepJobStatus, number>> {
  const counts = { waiting: 0, running: 0, done: 0, failed: 0 };
  for (const job of state.jobs) counts[job.status]++;
  return counts;
}

/** A job whose run can be opened: it has started (running) or ended with results (done). */
export const canOpen = (job: SweepJob): boolean => job.status === "running" || job.status === "done";

/**
 * The job under the cursor: the one the user picked (by id, so it stays put as states change), else
 * the first running job, else the first job; null for an empty sweep.
 */
export function selectedJob(state: SweepState, picked: string | null): SweepJob | null {
  return state.jobs.find((j) => j.id === picked) ?? state.jobs.find((j) => j.status === "running") ?? state.jobs[0] ?? null;
}

/** The id of the job `delta` rows from the selected one (clamped to the list). */
export function moveSelection(state: SweepState, picked: string | null, delta: number): string | null {
  const current = selectedJob(state, picked);
  if (current === null) return null;
  const index = state.jobs.indexOf(current);
  return state.jobs[Math.min(state.jobs.length - 1, Math.max(0, index + delta))]!.id;
}
