// The number of data-parallel compute units of a run: the one place its default is computed, so a
// memory plan can cap it.
import { availableParallelism } from "node:os";
import { S3petInputError } from "../errors/s3pet-error.js";

/** The default when the caller can start workers: one unit per core. */
export function defaultWorkers(): number {
  return Math.max(1, availableParallelism());
}

/**
 * `requested` (the `workers` setting), or the default: every core when the caller gives a worker
 * recipe, else 1 (in-process). More than 1 without a recipe is an input error.
 */
export function resolveWorkers(requested: number | null, hasRecipe: boolean): number {
  if (requested === null) return hasRecipe ? defaultWorkers() : 1;
  if (requested > 1 && !hasRecipe) {
    throw new S3petInputError(`workers ${requested}: this caller gives the engine no worker recipe (EngineDeps.workerRecipe), so it can only train in-process (set --workers 1)`);
  }
  return requested;
}
