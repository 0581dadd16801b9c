// reduceSweepState: the one pure (state, event) => state of the sweep view, as reduceRunState is of a
// run's dashboard. An update for a job the list does not hold (another grid on the same queue) is ignored.
import type { SweepEvent, SweepJob, SweepState } from "./sweep-state.js";

export function reduceSweepState(state: SweepState, event: SweepEvent): SweepState {
  switch (event.type) {
    case "jobs": {
      const known = new Map(state.jobs.map((j) => [j.id, j]));
      return {
        ...state,
        jobs: event.jobs.map(({ id, axes }) => ({ ...(known.get(id) ?? { status: "waiting", progress: null, test: null, error: null }), id, axes })),
      };
    }
    case "job": {
      if (!state.jobs.some((j) => j.id === event.id)) return state;
      return { ...state, jobs: state.jobs.map((job) => (job.id === event.id ? updated(job, event) : job)) };
    }
    case "queue":
      return state.queueError === event.error ? state : { ...state, queueError: event.error };
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
}

function updated(job: SweepJob, event: Extract<SweepEvent, { type: "job" }>): SweepJob {
  const stillRunning = event.status === "running" && job.status === "running";
  return {
    ...job,
    status: event.status,
    progress: event.progress ?? (stillRunning ? job.progress : null),
    test: event.test ?? null,
    error: event.error ?? null,
  };
}
