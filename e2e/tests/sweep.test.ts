// Sweeps on a real redis-server with real worker processes: a 6-run grid on 2 workers gives the same
// report as the same grid run locally; kill -9 of a worker mid-run: the sweep finishes, the killed run
// resumes from its checkpoint and no run starts twice from scratch; re-submitting a finished grid adds
// nothing; a bad job fails once (no retries) with its one-line error while the rest finish.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRedis, type TestRedis } from "../../packages/sweep/src/testing/start-redis.js";
import { runS3pet, startS3pet, tempDir, TINY_MODEL } from "./s3pet-process.js";

const TINY = { command: "train", model: TINY_MODEL, "max-examples": 32, "max-steps": 3, "max-length": 16 };

interface RunStart {
  type: string;
  resumed?: boolean;
  step?: number;
}
// Whole lines only: polled while the run writes, the last line may still be going in.
const eventsOf = (runDir: string): RunStart[] =>
  readFileSync(join(runDir, "events.jsonl"), "utf8").split("\n").slice(0, -1).map((l) => JSON.parse(l) as RunStart);

describe("sweep", () => {
  const dir = tempDir("sweep");
  let redis: TestRedis;
  const workers: ReturnType<typeof startS3pet>[] = [];
  const startWorker = (queue: string, runsDir: string) => {
    const w = startS3pet(["worker", "--queue", queue, "--runs-dir", runsDir]);
    workers.push(w);
    return w;
  };
  const stopWorkers = async () => {
    for (const w of workers.splice(0)) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill("SIGTERM");
  };
  const grid = (name: string, value: object) => {
    const file = join(dir, `${name}.json`);
    writeFileSync(file, JSON.stringify(value));
    return file;
  };
  beforeAll(async () => void (redis = await startRedis()));
  afterAll(async () => {
    await stopWorkers();
    await redis?.stop();
  });

  it("runs a 6-run grid on 2 workers with the report of the same grid run locally; re-submitting adds nothing", async () => {
    const file = grid("six", { ...TINY, structure: ["lora", "bitfit"], seed: [1, 2, 3] });
    const local = await runS3pet(["sweep", file, "--runs-dir", join(dir, "local"), "--workers", "2"]);
    expect(local.code, local.stderr).toBe(0);

    const queue = redis.url("six");
    const runsDir = join(dir, "queued");
    startWorker(queue, runsDir);
    startWorker(queue, runsDir);
    const sweep = await runS3pet(["sweep", file, "--queue", queue, "--runs-dir", runsDir, "--wait"]);
    expect(sweep.code, sweep.stderr).toBe(0);
    expect(sweep.stdout).toContain("6 runs: 6 enqueued, 0 finished already, 0 already queued");
    expect(sweep.stdout).toContain("6 runs: 6 done, 0 running, 0 waiting, 0 failed");

    const reportLocal = await runS3pet(["sweep", "report", file, "--runs-dir", join(dir, "local")]);
    const reportQueued = await runS3pet(["sweep", "report", file, "--runs-dir", runsDir]);
    expect(reportQueued.code, reportQueued.stderr).toBe(0);
    expect(reportQueued.stdout).toMatch(/\| lora \| 3 \| \d\.\d{3} ± \d\.\d{3} \|/);
    expect(reportQueued.stdout).toBe(reportLocal.stdout);

    const again = await runS3pet(["sweep", file, "--queue", queue, "--runs-dir", runsDir]);
    expect(again.stdout).toContain("6 runs: 0 enqueued, 6 finished already, 0 already queued");
    const status = await runS3pet(["sweep", "status", file, "--queue", queue, "--runs-dir", runsDir]);
    expect(status.stdout.match(/ done +test \d\.\d{4}/g)).toHaveLength(6);
    await stopWorkers();
  });

  it("finishes after kill -9 of a worker mid-run, resuming the killed run from its checkpoint", async () => {
    // Long enough to be killed between checkpoints: 128 examples / batch 2 = 64 steps per epoch.
    const file = grid("kill", { command: "train", model: TINY_MODEL, "max-examples": 128, "batch-size": 2, "max-length": 32, "checkpoint-every": 5, seed: [1, 2] });
    const queue = redis.url("kill");
    const runsDir = join(dir, "kill");
    const victim = startWorker(queue, runsDir);
    let victimLog = "";
    victim.child.stderr!.on("data", (c: string) => (victimLog += c));
    const enqueued = await runS3pet(["sweep", file, "--queue", queue, "--runs-dir", runsDir]);
    expect(enqueued.code, enqueued.stderr).toBe(0);
    await waitUntil(() => / started/.test(victimLog));
    const id = /(train-[0-9a-f]{12}) started/.exec(victimLog)![1]!;
    const runDir = join(runsDir, id);
    await waitUntil(() => existsSync(join(runDir, "events.jsonl")) && eventsOf(runDir).some((e) => e.type === "checkpoint"));
    victim.child.kill("SIGKILL");

    startWorker(queue, runsDir);
    const wait = await runS3pet(["sweep", file, "--queue", queue, "--runs-dir", runsDir, "--wait"]);
    expect(wait.code, wait.stderr).toBe(0);
    expect(wait.stdout).toContain("2 runs: 2 done");

    const events = eventsOf(runDir);
    const starts = events.filter((e) => e.type === "run-start");
    expect(starts.map((e) => e.resumed)).toEqual([false, true]);
    // After the resume, training goes on from the checkpoint's step, not from step 1.
    const afterResume = events.slice(events.indexOf(starts[1]!)).find((e) => e.type === "step");
    expect(afterResume?.step).toBeGreaterThan(1);
    const other = (await runS3pet(["sweep", "status", file, "--runs-dir", runsDir])).stdout.match(/train-[0-9a-f]{12}/g)!.find((x) => x !== id)!;
    expect(eventsOf(join(runsDir, other)).filter((e) => e.type === "run-start")).toHaveLength(1);
    await stopWorkers();
  });

  it("refuses a grid with a bad flag before enqueueing, and finishes one with a job only its run finds bad, tried once", async () => {
    const queue = redis.url("bad");
    const runsDir = join(dir, "bad");
    const refused = await runS3pet(["sweep", grid("bad-preset", { ...TINY, structure: ["lora", "no-such-preset"], seed: 1 }), "--queue", queue, "--runs-dir", runsDir]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^s3pet sweep: .*bad-preset\.json: run train-[0-9a-f]{12} \(structure=no-such-preset\): --structure no-such-preset: not a structure\.json.*\n$/);
    expect(existsSync(runsDir)).toBe(false);

    const file = grid("bad", { ...TINY, structure: "lora", task: ["spam", "./no-such-task"], seed: 1 });
    const w = startWorker(queue, runsDir);
    let log = "";
    w.child.stderr!.on("data", (c: string) => (log += c));
    const wait = await runS3pet(["sweep", file, "--queue", queue, "--runs-dir", runsDir, "--wait"]);
    expect(wait.code).toBe(1);
    expect(wait.stdout).toContain("2 runs: 1 done, 0 running, 0 waiting, 1 failed");
    expect(wait.stdout).toMatch(/failed +s3pet train: --task \.\/no-such-task: not a built-in task/);
    expect(log.match(/failed: /g)).toHaveLength(1);
    const report = await runS3pet(["sweep", "report", file, "--runs-dir", runsDir]);
    expect(report.stdout).toMatch(/Failed runs \(1\):\n- train-[0-9a-f]{12} \(task \.\/no-such-task\): s3pet train: --task \.\/no-such-task: not a built-in task/);
    await stopWorkers();
  });
});

async function waitUntil(condition: () => boolean, timeoutMs = 120_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 100));
  }
}
