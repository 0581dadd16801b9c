// The sweep view in a real terminal (tmux) on a real redis-server with a real worker: `s3pet sweep
// status <grid> --queue ...` lists the grid's jobs and follows them live from the queue's events (a bad
// job failed with its one-line error, one running with its phase and steps, one waiting); enter opens
// the running job's run dashboard, q comes back to the list, q leaves (the sweep goes on).
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRedis, type TestRedis } from "../../packages/sweep/src/testing/start-redis.js";
import { runS3pet, startS3pet, tempDir, TINY_MODEL } from "./s3pet-process.js";
import { tmuxTerminal } from "./tmux-terminal.js";

describe("sweep dashboard", () => {
  const dir = tempDir("sweep-dashboard");
  const term = tmuxTerminal("sweep-dashboard");
  let redis: TestRedis;
  let worker: ReturnType<typeof startS3pet> | undefined;
  beforeAll(async () => {
    redis = await startRedis();
    term.startServer();
  });
  afterAll(async () => {
    worker?.child.kill("SIGKILL"); // its run dies with it (exit-with-parent)
    term.killServer();
    await redis?.stop();
  });

  it("lists the jobs live from the queue and opens a running job's dashboard", async () => {
    // The good runs are long enough to be caught running: 256 examples / batch 2 = 128 steps an epoch.
    const file = join(dir, "grid.json");
    const train = { command: "train", model: TINY_MODEL, "max-examples": 256, "batch-size": 2, "max-length": 32 };
    // The bad job is bad input only its run finds (a flag the sweep could check is refused before enqueueing).
    writeFileSync(file, JSON.stringify([{ ...train, structure: "lora", task: ["./no-such-task"] }, { ...train, structure: "lora", seed: [1, 2] }]));
    const queue = redis.url("grid");
    const runsDir = join(dir, "runs");
    const enqueued = await runS3pet(["sweep", file, "--queue", queue, "--runs-dir", runsDir]);
    expect(enqueued.code, enqueued.stderr).toBe(0);

    term.start("sweep", ["sweep", "status", file, "--queue", queue, "--runs-dir", runsDir]);
    const listed = await term.captureWhen("sweep", (s) => s.includes("3 runs: 0 running · 0 done · 3 waiting · 0 failed"), 60_000);
    expect(listed.split("\n")[0]).toMatch(/^ S3PET  sweep grid\.json · redis:\/\/127\.0\.0\.1:\d+\/grid +3 runs: 0 running/);
    expect(listed.match(/train-[0-9a-f]{12} .* ○ waiting/g)).toHaveLength(3);

    worker = startS3pet(["worker", "--queue", queue, "--runs-dir", runsDir]);
    const live = await term.captureWhen("sweep", (s) => s.includes("✖ failed") && /● running +train +[━╸─]+ \d+\/\d+/.test(s), 180_000);
    expect(live).toMatch(/train-[0-9a-f]{12} +\.\/no-such-task +✖ failed +s3pet train: --task \.\/no-such-task: not a built-in task/);
    expect(live).toMatch(/▸ (train-[0-9a-f]{12}) +1 +● running +train +[━╸─]+ \d+\/\d+ +\d+%/); // the cursor starts on it
    expect(live).toMatch(/train-[0-9a-f]{12} +2 +○ waiting/);
    expect(live).toContain(" enter  open its run");
    const id = /▸ (train-[0-9a-f]{12})/.exec(live)![1]!;

    term.keys("sweep", "Enter");
    const run = await term.captureWhen("sweep", (s) => s.startsWith(` S3PET  ${id} ● training`) && s.includes("Loss · train"), 60_000);
    expect(run.split("\n")[0]).toMatch(new RegExp(`^ S3PET  ${id} ● training`));
    expect(run).toMatch(/train +[━╸─]+ \d+\/\d+ +\d+%/);
    expect(run).toContain(" q  back to the sweep");

    term.keys("sweep", "q");
    const back = await term.captureWhen("sweep", (s) => s.startsWith(" S3PET  sweep"), 30_000);
    expect(back).toContain(`▸ ${id}`);
    term.keys("sweep", "q");
    expect(await term.captureWhen("sweep", (s) => s.includes("[exit "), 30_000)).toContain("[exit 0]");
  });
});
