// @s3pet/sweep: grids of runs (tasks x budgets x seeds x ...) run locally or on a BullMQ queue by any
// number of workers, and their result table. docs/SWEEPS.md describes the commands.
export { expandGrid, pointArgs, type GridPoint, type FlagValue, type SweepCommand } from "./expand-grid.js";
export { readGridFile, type Grid } from "./read-grid-file.js";
export { runPoint, runDirOf, readPointResults, PointFailedError, type RunPointOptions, type PointDone } from "./run-point.js";
export { stateFromRunsDir, type PointState, type PointStatus, type PointProgress } from "./point-state.js";
export { runLocally, type RunLocallyOptions } from "./run-locally.js";
export { parseQueueUrl, type QueueAddress } from "./queue-url.js";
export { reachQueue } from "./reach-queue.js";
export { enqueueGrid, queueStates, allEnded, type EnqueueSummary, type SweepJobData, type SweepJobResult } from "./sweep-queue.js";
export { followQueue, watchGrid, type FollowQueueOptions, type QueueFollower } from "./follow-queue.js";
export { startWorker, type StartWorkerOptions } from "./start-worker.js";
export { sweepReport, sweepCells, type SweepReportOptions, type SweepCell, type SweepCells } from "./sweep-report.js";
export { seedStats, compareSeedStats, type SeedStats } from "./seed-stats.js";
export { formatStates } from "./format-states.js";
