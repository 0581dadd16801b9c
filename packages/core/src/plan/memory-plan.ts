// planMemory: the peak memory of one worker's training step, estimated before anything is allocated,
// from numbers the backbone's package gives about its architecture (core knows none) and the run's
// batch, length and modules. A run whose plan does not fit stops before training with one line saying
// what it needs, what there is, and what to change. The counts follow how a step runs (docs/MEMORY.md):
// frozen weights once; per layer the tensors the backward pass reads (released as it passes); one
// layer's intermediates at a time; four floats per trained parameter (value, gradient, two moments).
import { S3petInputError } from "../errors/s3pet-error.js";

const FLOAT = 4;
const MiB = 2 ** 20;

/** What a backbone tells the plan about itself (from its config; no weights needed). */
export interface BackboneMemoryProfile {
  /** Bytes of the frozen weights, held once per worker. */
  readonly weightBytes: number;
  readonly numLayers: number;
  /** Floats per token one layer keeps for the backward pass (its own ops, no modules). */
  readonly keptPerToken: number;
  /** Further floats per token and per position of the sequence one layer keeps (attention scores). */
  readonly keptPerTokenPosition: number;
  /** Floats per token alive at once while a layer runs (its intermediates, forward or backward). */
  readonly workPerToken: number;
  /** The same per position of the sequence (attention scores). */
  readonly workPerTokenPosition: number;
}

export interface MemoryPlanInput {
  readonly backbone: BackboneMemoryProfile;
  /** Examples per step on one worker (its shard of the batch). */
  readonly batchSize: number;
  /** Tokens per example. */
  readonly length: number;
  /** Floats per token all attached modules keep per step, summed (search: with their gated deltas). */
  readonly moduleKeptPerToken: number;
  /** Trained parameters: modules, head, structure parameters (and the backbone's own when it is trained). */
  readonly trainedParams: number;
  /** Layers from the lowest with a trained module up: the ones whose tensors the backward pass reads. */
  readonly trainedLayers: number;
  /** Parallel workers, each with its own copy of the weights and its own heap. */
  readonly workers: number;
  /** Bytes one worker may hold (the wasm heap limit; for a native backend, the machine's memory). */
  readonly workerLimitBytes: number;
}

export interface MemoryPlan {
  readonly input: MemoryPlanInput;
  /** Frozen (or trained) backbone weights. */
  readonly weights: number;
  /** What the backward pass reads, kept from the forward pass. */
  readonly activations: number;
  /** One layer's intermediates at a time (also what evaluation needs beyond the weights). */
  readonly workspace: number;
  /** Trained parameters with their gradients and AdamW moments. */
  readonly optimiser: number;
  /** Peak bytes of one worker: the sum of the above with the heap's allocation slack. */
  readonly perWorker: number;
  /** perWorker x workers. */
  readonly total: number;
  readonly fits: boolean;
}

/**
 * Heap growth and the holes a never-shrinking heap leaves between tensors of different sizes: measured
 * peaks sit this much above the live tensor bytes (docs/MEMORY.md).
 */
export const HEAP_SLACK = 1.15;

/** The wasm backend's heap limit per instance (4 GiB, less what the module itself occupies). */
export const WASM_HEAP_LIMIT = 4 * 2 ** 30 - 64 * MiB;

/** Bytes one worker may hold on `backend`: wasm's heap limit, else the machine's memory. */
export function workerMemoryLimit(backend: string, machineBytes: number): number {
  return backend === "wasm" ? Math.min(WASM_HEAP_LIMIT, machineBytes) : machineBytes;
}

export function planMemory(input: MemoryPlanInput): MemoryPlan {
  const { backbone: b, batchSize, length } = input;
  const tokens = batchSize * length;
  const weights = b.weightBytes;
  const layers = Math.min(b.numLayers, Math.max(0, input.trainedLayers));
  const activations = FLOAT * tokens * ((b.keptPerToken + b.keptPerTokenPosition * length) * layers + input.moduleKeptPerToken);
  const workspace = FLOAT * tokens * (b.workPerToken + b.workPerTokenPosition * length);
  const optimiser = FLOAT * 4 * input.trainedParams;
  const perWorker = Math.ceil(HEAP_SLACK * (weights + activations + workspace + optimiser));
  return {
    input,
    weights,
    activations,
    workspace,
    optimiser,
    perWorker,
    total: perWorker * input.workers,
    fits: perWorker <= input.workerLimitBytes,
  };
}

/** The most workers whose plans fit both their own limit and `machineBytes` together (at least 1). */
export function maxWorkersThatFit(plan: MemoryPlan, machineBytes: number): number {
  if (!plan.fits) return 1;
  return Math.max(1, Math.floor(machineBytes / plan.perWorker));
}

/** The largest batch size (per worker) at or below `plan`'s that fits, or 0 when not even 1 does. */
export function largestBatchThatFits(plan: MemoryPlan): number {
  for (let batch = plan.input.batchSize; batch >= 1; batch = batch > 8 ? Math.floor(batch / 2) : batch - 1) {
    if (planMemory({ ...plan.input, batchSize: batch }).fits) return batch;
  }
  return 0;
}

export function formatBytes(bytes: number): string {
  return bytes >= 2 ** 30 ? `${(bytes / 2 ** 30).toFixed(2)} GiB` : `${Math.round(bytes / MiB)} MiB`;
}

/** One line: the plan's parts and total. */
export function describeMemoryPlan(plan: MemoryPlan): string {
  const { batchSize, length, workers } = plan.input;
  return (
    `${formatBytes(plan.perWorker)} per worker at batch ${batchSize} x ${length} ` +
    `(weights ${formatBytes(plan.weights)}, activations ${formatBytes(plan.activations)}, ` +
    `workspace ${formatBytes(plan.workspace)}, optimiser ${formatBytes(plan.optimiser)})` +
    (workers > 1 ? `, ${formatBytes(plan.total)} for ${workers} workers` : "") +
    `; limit ${formatBytes(plan.input.workerLimitBytes)} per worker`
  );
}

/** The run does not fit in memory: raised before training, exit code 2. */
export class MemoryPlanError extends S3petInputError {
  override readonly name = "MemoryPlanError";
}

/** Throws a one-line MemoryPlanError (what it needs, what there is, what to change) unless `plan` fits. */
export function assertPlanFits(plan: MemoryPlan, what: string): void {
  if (plan.fits) return;
  const batch = largestBatchThatFits(plan);
  const fixes = [
    batch > 0 ? `--batch-size ${batch}` : null,
    `a smaller --max-length (now ${plan.input.length})`,
    "fewer candidates (--methods, --include/--exclude)",
    "the tensorflow backend (no 4 GiB heap)",
  ].filter((x) => x !== null);
  throw new MemoryPlanError(
    `${what} needs about ${formatBytes(plan.perWorker)} per worker but a worker has ${formatBytes(plan.input.workerLimitBytes)} ` +
      `(weights ${formatBytes(plan.weights)}, activations ${formatBytes(plan.activations)} at batch ${plan.input.batchSize} x ${plan.input.length}); ` +
      `use ${fixes.join(", or ")}`,
  );
}
