// The compute shape of a run: how many data-parallel units and how many examples each runs through
// the model at once (its micro-batch). The one place both defaults are resolved, so the caller's memory
// plan can decide them: the default worker count is one unit per core that fits, and the "auto"
// micro-batch is the largest that fits a unit (the whole shard when it does).
import { largestThatFits } from "../plan/memory-plan.js";
import { resolveWorkers } from "./default-workers.js";

/** Whether `workers` units, each running micro-batches of at most `microBatch` examples, fit in memory. */
export type UnitsFit = (workers: number, microBatch: number) => boolean;

export interface RunUnits {
  readonly workers: number;
  /** Examples per forward and backward pass on a unit, at most its shard of a batch. */
  readonly microBatchSize: number;
}

/** The examples of a `batchSize` batch the first (largest) of `workers` shards holds. */
export function shardSize(batchSize: number, workers: number): number {
  return Math.ceil(batchSize / workers);
}

/**
 * Workers (`requested.workers`, or every core that fits at its smallest micro-batch) and the micro-batch
 * size (`requested.microBatchSize` capped at the shard, or the largest that fits; 1 when nothing fits,
 * which the caller's plan refuses before the run). Without `fits` everything fits.
 */
export function resolveRunUnits(
  requested: { readonly workers: number | null; readonly microBatchSize: number | "auto" },
  batchSize: number,
  hasRecipe: boolean,
  fits: UnitsFit = () => true,
): RunUnits {
  const given = requested.microBatchSize;
  const smallest = (w: number) => (given === "auto" ? 1 : Math.min(given, shardSize(batchSize, w)));
  const workers = resolveWorkers(requested.workers, hasRecipe, (w) => fits(w, smallest(w)));
  const shard = shardSize(batchSize, workers);
  if (given !== "auto") return { workers, microBatchSize: Math.min(given, shard) };
  return { workers, microBatchSize: Math.max(1, largestThatFits(shard, shard, (m) => fits(workers, m))) };
}
