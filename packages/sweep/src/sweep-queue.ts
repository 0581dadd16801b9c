// The grid on a BullMQ queue: one job per point, its id the point's id, so re-submitting a grid adds
// only the runs neither finished nor already queued. Jobs keep their results and errors in Redis
// (never removed), which `s3pet sweep status` reads; the runs themselves live in the shared runs dir.
import { Queue, type Job } from "bullmq";
import type { GridPoint } from "./expand-grid.js";
import type { PointProgress, PointState, PointStatus } from "./point-state.js";
import { parseQueueUrl } from "./queue-url.js";
import { readPointResults } from "./run-point.js";

/** What a job carries: the run and the directory it starts in. */
export interface SweepJobData {
  readonly point: GridPoint;
  readonly cwd: string;
}

/** What a finished job returns. */
export interface SweepJobResult {
  readonly test: number;
  readonly chosenParams: number;
  readonly skipped: boolean;
}

/** Retries of a run that crashed (not bad input, which fails at once). */
const ATTEMPTS = 3;

export interface EnqueueSummary {
  readonly added: readonly string[];
  /** results.json already in the runs dir. */
  readonly finished: readonly string[];
  /** Waiting or running on the queue already. */
  readonly queued: readonly string[];
}

export async function enqueueGrid(points: readonly GridPoint[], options: { queue: string; runsDir: string; cwd: string }): Promise<EnqueueSummary> {
  const { connection, name } = parseQueueUrl(options.queue);
  const queue = new Queue<SweepJobData, SweepJobResult>(name, { connection });
  const added: string[] = [];
  const finished: string[] = [];
  const queued: string[] = [];
  try {
    for (const point of points) {
      if (readPointResults(options.runsDir, point)) {
        finished.push(point.id);
        continue;
      }
      const existing = await queue.getJob(point.id);
      if (existing) {
        const state = await existing.getState();
        // A failed or completed-but-gone run is tried again; anything else is on its way.
        if (state !== "failed" && state !== "completed") {
          queued.push(point.id);
          continue;
        }
        await existing.remove();
      }
      await queue.add(point.id, { point, cwd: options.cwd }, { jobId: point.id, attempts: ATTEMPTS, backoff: { type: "fixed", delay: 2000 } });
      added.push(point.id);
    }
  } finally {
    await queue.close();
  }
  return { added, finished, queued };
}

/** Every point's state on the queue (a point never enqueued counts as waiting, or done when its run is). */
export async function queueStates(queue: Queue, points: readonly GridPoint[], runsDir: string): Promise<PointState[]> {
  return Promise.all(
    points.map(async (point): Promise<PointState> => {
      let job = (await queue.getJob(point.id)) as Job<SweepJobData, SweepJobResult> | undefined;
      if (!job) {
        const results = readPointResults(runsDir, point);
        return results ? { point, status: "done", test: results.retrained.test } : { point, status: "waiting" };
      }
      const state = await job.getState();
      // The job was read before its state: if it ended in between, read it again for its result or error.
      if (state === "completed" || state === "failed") job = ((await queue.getJob(point.id)) as Job<SweepJobData, SweepJobResult> | undefined) ?? job;
      const status: PointStatus = state === "completed" ? "done" : state === "failed" ? "failed" : state === "active" ? "running" : "waiting";
      const progress = typeof job.progress === "object" && job.progress !== null && "phase" in job.progress ? (job.progress as unknown as PointProgress) : undefined;
      return {
        point,
        status,
        ...(status === "running" && progress && { progress }),
        ...(status === "done" && job.returnvalue && { test: job.returnvalue.test }),
        ...(status === "failed" && { error: job.failedReason }),
      };
    }),
  );
}

export const allEnded = (states: readonly PointState[]) => states.every((s) => s.status === "done" || s.status === "failed");
