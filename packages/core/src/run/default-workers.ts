// The number of data-parallel compute units of a run: the one place its default is computed, so a
// memory plan can cap it.
import { availableParallelism } from "node:os";
import { S3petInputError } from "../errors/s3pet-error.js";

/** Whether `workers` units (each with its shard of the batch) fit in memory; absent: no plan, all fit. */
export type WorkersFit = (workers: number) => boolean;

/** The default when the caller can start workers: one unit per core, fewer when `fits` says they would not fit. */
export function defaultWorkers(fits?: WorkersFit): number {
  let workers = Math.max(1, availableParallelism());
  while (workers > 1 && fits && !fits(workers)) workers--;
  return workers;
}

/**
 * `requested` (the `workers` setting), or the default: every core that fits in memory when the caller
 * gives a worker recipe, else 1 (in-process). More than 1 without a recipe is an input error.
 */
export function resolveWorkers(requested: number | null, hasRecipe: boolean, fits?: WorkersFit): number {
  if (requested === null) return hasRecipe ? defaultWorkers(fits) : 1;
  if (requested > 1 && !hasRecipe) {
    throw new S3petInputError(`workers ${requested}: this caller gives the engine no worker recipe (EngineDeps.workerRecipe), so it can only train in-process (set --workers 1)`);
  }
  return requested;
}
