// startWorker(): one BullMQ worker taking a grid's jobs one at a time and running each as an ordinary
// run in the shared runs dir (runPoint). Bad input (exit 2) fails the job at once with the CLI's line
// (UnrecoverableError); a crash is retried. A worker killed mid-job stops renewing the job's lock, so
// after LOCK_MS BullMQ's stalled check hands the job to another worker, whose runPoint resumes the
// run from its last checkpoint.
import { UnrecoverableError, Worker } from "bullmq";
import { clearFailure, progressOf, recordFailure } from "./point-state.js";
import { parseQueueUrl } from "./queue-url.js";
import { PointFailedError, runPoint } from "./run-point.js";
import type { SweepJobData, SweepJobResult } from "./sweep-queue.js";

/** How long a silent worker keeps its job: short, as the worker process itself is idle while its run computes. */
const LOCK_MS = 10_000;
/** A job may be orphaned this many times (workers killed under it) before it is failed. */
const MAX_STALLED = 3;

export interface StartWorkerOptions {
  readonly queue: string;
  readonly runsDir: string;
  readonly bin: string;
  /** One line per job start and end. */
  readonly log: (line: string) => void;
}

export function startWorker(options: StartWorkerOptions): Worker<SweepJobData, SweepJobResult> {
  const { connection, name } = parseQueueUrl(options.queue);
  const worker = new Worker<SweepJobData, SweepJobResult>(
    name,
    async (job) => {
      const { point, cwd } = job.data;
      clearFailure(options.runsDir, point);
      options.log(`${point.id} started (attempt ${job.attemptsMade + 1}) ${JSON.stringify(point.axes)}`);
      let lastUpdate = 0;
      let lastPhase = "";
      try {
        const { results, skipped } = await runPoint(point, {
          bin: options.bin,
          runsDir: options.runsDir,
          cwd,
          onEvent: (event) => {
            const progress = progressOf(event);
            if (!progress || (progress.phase === lastPhase && Date.now() - lastUpdate < 1000)) return;
            lastPhase = progress.phase;
            lastUpdate = Date.now();
            void job.updateProgress({ ...progress }).catch(() => undefined);
          },
        });
        options.log(`${point.id} done: test ${results.retrained.test.toFixed(4)}${skipped ? " (finished earlier)" : ""}`);
        return { test: results.retrained.test, chosenParams: results.chosenParams, skipped };
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        options.log(`${point.id} failed: ${message}`);
        const final = (error instanceof PointFailedError && error.badInput) || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
        if (final) recordFailure(options.runsDir, point, message);
        if (error instanceof PointFailedError && error.badInput) throw new UnrecoverableError(message);
        throw error;
      }
    },
    { connection, concurrency: 1, lockDuration: LOCK_MS, stalledInterval: LOCK_MS / 2, maxStalledCount: MAX_STALLED },
  );
  return worker;
}
