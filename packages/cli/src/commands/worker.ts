// `s3pet worker --queue <url> --runs-dir <dir>`: takes jobs of `s3pet sweep --queue` grids one at a
// time and runs each as an ordinary run in the shared runs dir, until stopped (Ctrl-C or SIGTERM: the
// current job finishes first; kill -9: another worker resumes it from its last checkpoint).
import { resolve } from "node:path";
import { S3petInputError } from "@s3pet/core";
import { reachQueue, startWorker } from "@s3pet/sweep";
import { defineCommand } from "../cli/command.js";
import { commandFlags, optionValue } from "../run-config/run-flags.js";
import { CLI_BIN, QUEUE, RUNS_DIR, SWEEP_OPTIONS } from "./sweep.js";

export const worker = defineCommand({
  name: "worker",
  summary: "run the jobs of `s3pet sweep --queue` grids, one at a time (start any number, on any machine)",
  description:
    "Every worker of a queue must see the same --runs-dir (a shared filesystem across machines) and the grid's " +
    "relative paths at the same place. Start one per core you want busy. Ctrl-C finishes the current run and stops.",
  options: commandFlags(SWEEP_OPTIONS, "worker"),
  examples: [{ command: "s3pet worker --queue redis://10.0.0.5:6379/grid --runs-dir /shared/runs", description: "work on the grid's queue" }],
  async run({ values }, io) {
    const queue = optionValue(QUEUE, values);
    const runsDir = optionValue(RUNS_DIR, values);
    if (queue === null || runsDir === null) {
      throw new S3petInputError("pass --queue redis://host:port/name and --runs-dir <dir> (the ones the sweep was enqueued with)");
    }
    await reachQueue(queue);
    const w = startWorker({ queue, runsDir: resolve(io.cwd, runsDir), bin: CLI_BIN, log: (line) => io.stderr.write(`worker: ${line}\n`) });
    w.on("error", (error) => io.stderr.write(`worker: ${error.message}\n`));
    await w.waitUntilReady();
    io.stderr.write(`worker: waiting for jobs on ${queue}\n`);
    await new Promise<void>((done) => {
      const stop = () => {
        io.stderr.write("worker: stopping after the current job\n");
        void w.close().then(done);
      };
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
    });
    return 0;
  },
});
