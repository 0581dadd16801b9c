// followQueue(): a grid's jobs followed on the BullMQ queue: every point's state once at the start, then
// each change as the queue's events tell it (waiting, active, progress with phase and step, completed
// with the test score, failed with the one-line error, stalled back to waiting), plus a fresh read every
// RESYNC_MS should an event have been missed. Only changes are passed on. `s3pet sweep status` (its
// table and its dashboard) and `--wait` (watchGrid) are built on it.
import { Queue, QueueEvents } from "bullmq";
import type { GridPoint } from "./expand-grid.js";
import type { PointProgress, PointState } from "./point-state.js";
import { parseQueueUrl } from "./queue-url.js";
import { queueStates, type SweepJobResult } from "./sweep-queue.js";

const RESYNC_MS = 5000;

export interface FollowQueueOptions {
  readonly queue: string;
  readonly runsDir: string;
  /** A point's new state (every point's at the start). */
  readonly onState: (state: PointState) => void;
  /**
   * The queue cannot be read (Redis gone; following goes on, reconnecting), or, with null, it can again.
   * Called on each change only.
   */
  readonly onQueue?: (error: Error | null) => void;
}

export interface QueueFollower {
  /** Resolves once every point's state has been passed on. */
  readonly ready: Promise<void>;
  close(): Promise<void>;
}

export function followQueue(points: readonly GridPoint[], options: FollowQueueOptions): QueueFollower {
  const { connection, name } = parseQueueUrl(options.queue);
  const queue = new Queue(name, { connection });
  const events = new QueueEvents(name, { connection });
  const byId = new Map(points.map((p) => [p.id, p]));
  const shown = new Map<string, string>();
  const scores = new Map<string, number>();
  const emit = (reported: PointState) => {
    // A re-read can see a job completed before its return value is readable; keep the score once known.
    const known = scores.get(reported.point.id);
    const state = reported.status === "done" && reported.test === undefined && known !== undefined ? { ...reported, test: known } : reported;
    if (state.status === "done" && state.test !== undefined) scores.set(state.point.id, state.test);
    const { point, ...rest } = state;
    const key = JSON.stringify(rest);
    if (shown.get(point.id) === key) return;
    shown.set(point.id, key);
    options.onState(state);
  };
  const on = (jobId: string, state: Omit<PointState, "point">) => {
    const point = byId.get(jobId);
    if (point) emit({ point, ...state });
  };
  events.on("waiting", ({ jobId }) => on(jobId, { status: "waiting" }));
  events.on("delayed", ({ jobId }) => on(jobId, { status: "waiting" })); // a crashed attempt waits for its retry
  events.on("stalled", ({ jobId }) => on(jobId, { status: "waiting" })); // its worker died: back on the queue
  events.on("active", ({ jobId }) => on(jobId, { status: "running" }));
  events.on("progress", ({ jobId, data }) => on(jobId, { status: "running", ...(isProgress(data) && { progress: data }) }));
  events.on("completed", ({ jobId, returnvalue }) => {
    const result = (typeof returnvalue === "string" ? JSON.parse(returnvalue) : returnvalue) as SweepJobResult | null;
    on(jobId, { status: "done", ...(typeof result?.test === "number" && { test: result.test }) });
  });
  events.on("failed", ({ jobId, failedReason }) => on(jobId, { status: "failed", error: failedReason }));

  // A lost connection shows as error events of either client; commands wait (ioredis queues them) until
  // it is back, so the first read that answers again is the sign it is.
  let lost: Error | null = null;
  const lose = (error: Error) => {
    if (lost === null) options.onQueue?.(error);
    lost = error;
  };
  queue.on("error", lose);
  events.on("error", lose);
  let reading = false;
  const resync = async () => {
    if (reading) return; // a read waiting for the connection is enough
    reading = true;
    try {
      const states = await queueStates(queue, points, options.runsDir);
      if (lost !== null) {
        lost = null;
        options.onQueue?.(null);
      }
      for (const state of states) emit(state);
    } catch (error) {
      lose(error instanceof Error ? error : new Error(String(error)));
    } finally {
      reading = false;
    }
  };
  const ready = events.waitUntilReady().then(resync);
  const timer = setInterval(() => void resync(), RESYNC_MS);
  return {
    ready,
    close: async () => {
      clearInterval(timer);
      await events.close();
      await queue.close();
    },
  };
}

function isProgress(data: unknown): data is PointProgress {
  return typeof data === "object" && data !== null && "phase" in data && "step" in data && "totalSteps" in data;
}

/**
 * Calls `onStates` with every point's state once all are known, and again on each change the queue
 * reports (followQueue), until `until(states)` holds; resolves with the last states. A lost queue is
 * passed to `onQueue` (and its return, as null) while watching goes on; without `onQueue` it rejects.
 */
export async function watchGrid(
  points: readonly GridPoint[],
  options: {
    queue: string;
    runsDir: string;
    onStates: (states: PointState[]) => void;
    until: (states: PointState[]) => boolean;
    onQueue?: (error: Error | null) => void;
  },
): Promise<PointState[]> {
  const states = new Map<string, PointState>();
  let follower: QueueFollower | undefined;
  const last = await new Promise<PointState[]>((resolve, reject) => {
    follower = followQueue(points, {
      queue: options.queue,
      runsDir: options.runsDir,
      onState: (state) => {
        states.set(state.point.id, state);
        if (states.size < points.length) return;
        const all = points.map((p) => states.get(p.id)!);
        options.onStates(all);
        if (options.until(all)) resolve(all);
      },
      onQueue: (error) => {
        if (options.onQueue) options.onQueue(error);
        else if (error !== null) reject(error);
      },
    });
    follower.ready.catch(reject);
  }).finally(() => follower?.close());
  return last;
}
