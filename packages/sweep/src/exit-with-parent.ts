// Loaded into each run's CLI process (`node --import`): the run ends when the sweep process that
// started it is gone (kill -9 of a worker), so the job's next owner is the only writer of its run dir.
// Node has no parent-death signal; polling the parent pid once a second is enough at run time scales.
const parent = Number(process.env["S3PET_PARENT_PID"]);
if (parent > 0) {
  setInterval(() => {
    try {
      process.kill(parent, 0);
    } catch {
      process.kill(process.pid, "SIGKILL");
    }
  }, 1000).unref();
}
export {};
