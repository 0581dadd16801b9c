// Following a grid on a real redis-server with a real BullMQ worker (in-process, with a stand-in
// processor instead of the CLI): each job's state as the queue's events tell it, and watchGrid's end.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { UnrecoverableError, Worker } from "bullmq";
import { describe, expect, it } from "vitest";
import { expandGrid } from "./expand-grid.js";
import { allEnded, enqueueGrid, type SweepJobData, type SweepJobResult } from "./sweep-queue.js";
import { followQueue, watchGrid } from "./follow-queue.js";
import type { PointState } from "./point-state.js";
import { parseQueueUrl } from "./queue-url.js";
import { startRedis, useTestRedis } from "./testing/start-redis.js";

const describeState = (s: PointState) =>
  [s.point.axes.seed, s.status, s.progress && `${s.progress.phase} ${s.progress.step}/${s.progress.totalSteps}`, s.test, s.error].filter((x) => x !== undefined).join(" ");

describe("followQueue", () => {
  const redis = useTestRedis();

  it("passes on every job's state, then each change the queue reports", async () => {
    const points = expandGrid({ command: "train", seed: [1, 2, 3] });
    const runsDir = mkdtempSync(join(tmpdir(), "s3pet-follow-queue-"));
    const url = redis.url("follow");
    await enqueueGrid(points, { queue: url, runsDir, cwd: runsDir });
    const seen: string[] = [];
    const follower = followQueue(points, { queue: url, runsDir, onState: (s) => seen.push(describeState(s)) });
    await follower.ready;
    expect(seen).toEqual(["1 waiting", "2 waiting", "3 waiting"]);
    const watched = watchGrid(points, { queue: url, runsDir, onStates: () => undefined, until: allEnded });

    const { connection, name } = parseQueueUrl(url);
    const worker = new Worker<SweepJobData, SweepJobResult>(
      name,
      async (job) => {
        if (job.data.point.axes.seed === "2") throw new UnrecoverableError("s3pet train: --structure 'nope' is not a preset");
        await job.updateProgress({ phase: "train", step: 3, totalSteps: 8 });
        return { test: 0.75, chosenParams: 100, skipped: false };
      },
      { connection, concurrency: 1 },
    );
    try {
      const final = await watched;
      expect(final.map(describeState)).toEqual(["1 done 0.75", "2 failed s3pet train: --structure 'nope' is not a preset", "3 done 0.75"]);
      for (let i = 0; i < 50 && seen.at(-1) !== "3 done 0.75"; i++) await new Promise((r) => setTimeout(r, 100));
      expect(seen.slice(3)).toEqual([
        "1 running",
        "1 running train 3/8",
        "1 done 0.75",
        "2 running",
        "2 failed s3pet train: --structure 'nope' is not a preset",
        "3 running",
        "3 running train 3/8",
        "3 done 0.75",
      ]);
    } finally {
      await worker.close();
      await follower.close();
    }
  });

  it("says when the queue is lost and when it is back, and follows on", async () => {
    let server = await startRedis();
    const points = expandGrid({ command: "train", seed: [1] });
    const runsDir = mkdtempSync(join(tmpdir(), "s3pet-follow-lost-"));
    const url = server.url("lost");
    await enqueueGrid(points, { queue: url, runsDir, cwd: runsDir });
    const seen: string[] = [];
    const queue: (string | null)[] = [];
    const follower = followQueue(points, { queue: url, runsDir, onState: (s) => seen.push(describeState(s)), onQueue: (e) => queue.push(e && e.message) });
    const until = async (ok: () => boolean, what: string) => {
      for (let i = 0; i < 300 && !ok(); i++) await new Promise((r) => setTimeout(r, 100));
      expect(ok(), what).toBe(true);
    };
    try {
      await follower.ready;
      expect(queue).toEqual([]);
      await server.stop();
      await until(() => queue.length === 1, "the loss is reported");
      expect(queue[0]).toMatch(/ECONNREFUSED|Connection is closed|connect/);
      server = await startRedis(server.port); // empty: the job is gone with the old server's memory
      await until(() => queue.length === 2, "the return is reported");
      expect(queue[1]).toBeNull();
      await enqueueGrid(points, { queue: url, runsDir, cwd: runsDir });
      await until(() => seen.length >= 1 && seen.at(-1) === "1 waiting", "states flow again");
    } finally {
      await follower.close();
      await server.stop();
    }
  }, 60_000);
});
