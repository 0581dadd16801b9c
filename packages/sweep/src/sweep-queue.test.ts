// Enqueueing on a real redis-server: one job per point, by its id; re-submitting adds nothing, and a
// run already finished in the runs dir is never enqueued.
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Queue } from "bullmq";
import { describe, expect, it } from "vitest";
import { expandGrid } from "./expand-grid.js";
import { parseQueueUrl } from "./queue-url.js";
import { runDirOf } from "./run-point.js";
import { enqueueGrid, queueStates } from "./sweep-queue.js";
import { useTestRedis } from "./testing/start-redis.js";

describe("enqueueGrid", () => {
  const redis = useTestRedis();

  it("adds each unfinished point once", async () => {
    const points = expandGrid({ task: "spam", seed: [1, 2, 3] });
    const runsDir = mkdtempSync(join(tmpdir(), "s3pet-sweep-queue-"));
    mkdirSync(runDirOf(runsDir, points[2]!), { recursive: true });
    writeFileSync(join(runDirOf(runsDir, points[2]!), "results.json"), JSON.stringify({ retrained: { test: 0.5 } }));
    const url = redis.url("grid");

    const first = await enqueueGrid(points, { queue: url, runsDir, cwd: runsDir });
    expect(first).toEqual({ added: [points[0]!.id, points[1]!.id], finished: [points[2]!.id], queued: [] });
    const again = await enqueueGrid(points, { queue: url, runsDir, cwd: runsDir });
    expect(again).toEqual({ added: [], finished: [points[2]!.id], queued: [points[0]!.id, points[1]!.id] });

    const { connection, name } = parseQueueUrl(url);
    const queue = new Queue(name, { connection });
    try {
      expect(await queue.getWaitingCount()).toBe(2);
      expect((await queue.getJob(points[0]!.id))?.data.point).toEqual(points[0]);
      expect((await queueStates(queue, points, runsDir)).map((s) => s.status)).toEqual(["waiting", "waiting", "done"]);
    } finally {
      await queue.close();
    }
  });
});
