import { describe, expect, it } from "vitest";
import { reduceSweepState } from "./reduce-sweep-state.js";
import { countJobs, initialSweepState, moveSelection, selectedJob, type SweepEvent, type SweepState } from "./sweep-state.js";

const reduceAll = (events: readonly SweepEvent[], from: SweepState = initialSweepState()) => events.reduce(reduceSweepState, from);
const jobs: SweepEvent = {
  type: "jobs",
  jobs: [
    { id: "train-a", axes: { seed: "1" } },
    { id: "train-b", axes: { seed: "2" } },
    { id: "train-c", axes: { seed: "3" } },
  ],
};

describe("reduceSweepState", () => {
  it("lists the grid's jobs as waiting, in grid order", () => {
    const state = reduceAll([jobs]);
    expect(state.jobs.map((j) => [j.id, j.status, j.axes.seed])).toEqual([
      ["train-a", "waiting", "1"],
      ["train-b", "waiting", "2"],
      ["train-c", "waiting", "3"],
    ]);
    expect(countJobs(state)).toEqual({ waiting: 3, running: 0, done: 0, failed: 0 });
  });

  it("follows a job from waiting to running with progress to done with its score", () => {
    const running = reduceAll([jobs, { type: "job", id: "train-a", status: "running" }, { type: "job", id: "train-a", status: "running", progress: { phase: "train", step: 12, totalSteps: 64 } }]);
    expect(running.jobs[0]).toMatchObject({ status: "running", progress: { phase: "train", step: 12, totalSteps: 64 } });
    // A later update of the same running job without progress keeps what is known.
    expect(reduceSweepState(running, { type: "job", id: "train-a", status: "running" }).jobs[0]!.progress).toEqual({ phase: "train", step: 12, totalSteps: 64 });
    const done = reduceSweepState(running, { type: "job", id: "train-a", status: "done", test: 0.6875 });
    expect(done.jobs[0]).toEqual({ id: "train-a", axes: { seed: "1" }, status: "done", progress: null, test: 0.6875, error: null });
    expect(countJobs(done)).toEqual({ waiting: 2, running: 0, done: 1, failed: 0 });
  });

  it("keeps a failed job's error and forgets the progress of a stalled one", () => {
    const state = reduceAll([
      jobs,
      { type: "job", id: "train-b", status: "failed", error: "s3pet train: unknown preset 'nope'" },
      { type: "job", id: "train-c", status: "running", progress: { phase: "train", step: 5, totalSteps: 64 } },
      { type: "job", id: "train-c", status: "waiting" },
    ]);
    expect(state.jobs[1]).toMatchObject({ status: "failed", error: "s3pet train: unknown preset 'nope'" });
    expect(state.jobs[2]).toMatchObject({ status: "waiting", progress: null });
  });

  it("ignores jobs outside the list and keeps known states when the list comes again", () => {
    const state = reduceAll([jobs, { type: "job", id: "train-b", status: "done", test: 0.5 }]);
    expect(reduceSweepState(state, { type: "job", id: "train-z", status: "running" })).toBe(state);
    expect(reduceSweepState(state, jobs).jobs[1]).toMatchObject({ status: "done", test: 0.5 });
  });
});

describe("the cursor", () => {
  const state = reduceAll([jobs, { type: "job", id: "train-b", status: "running" }]);

  it("starts on the first running job, else the first job", () => {
    expect(selectedJob(state, null)?.id).toBe("train-b");
    expect(selectedJob(reduceAll([jobs]), null)?.id).toBe("train-a");
    expect(selectedJob(initialSweepState(), null)).toBeNull();
  });

  it("moves by rows within the list and stays on its job as states change", () => {
    expect(moveSelection(state, null, 1)).toBe("train-c");
    expect(moveSelection(state, null, -5)).toBe("train-a");
    expect(moveSelection(state, "train-c", 1)).toBe("train-c");
    const later = reduceSweepState(state, { type: "job", id: "train-a", status: "running" });
    expect(selectedJob(later, "train-c")?.id).toBe("train-c");
  });
});
