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
  /** Examples one worker runs through the model at once: its micro-batch. */
  readonly batchSize: number;
  /** Examples per step on one worker (its shard of the batch), run as micro-batches of `batchSize`;
   *  larger than `batchSize`, the gradients are summed over micro-batches (one more copy). */
  readonly shardSize: number;
  /** Tokens per example. */
  readonly length: number;
  /** Floats per token all attached modules keep per step, summed (search: with their gated deltas). */
  readonly moduleKeptPerToken: number;
  /** Floats per token the modules of one layer have alive while it runs (its candidates' outputs). */
  readonly moduleWorkPerToken: number;
  /** Trained parameters: modules, head, structure parameters (and the backbone's own when it is trained). */
  readonly trainedParams: number;
  /** Layers from the lowest with a trained module up: the ones whose tensors the backward pass reads. */
  readonly trainedLayers: number;
  /** Parallel workers, each with its own copy of the weights and its own heap. */
  readonly workers: number;
  /** Bytes one worker may hold (the wasm heap limit; for a native backend, the machine's memory). */
  readonly workerLimitBytes: number;
  /** Bytes the machine has for all workers together. */
  readonly machineBytes: number;
}

export interface MemoryPlan {
  readonly input: MemoryPlanInput;
  /** Frozen (or trained) backbone weights. */
  readonly weights: number;
  /** What the backward pass reads, kept from the forward pass. */
  readonly activations: number;
  /** One layer's intermediates at a time (also what evaluation needs beyond the weights). */
  readonly workspace: number;
  /** Trained parameters with their gradients and AdamW moments (and the summed gradient of micro-batches). */
  readonly optimiser: number;
  /** Peak bytes of one worker: the sum of the above with the heap's allocation slack. */
  readonly perWorker: number;
  /** perWorker x workers. */
  readonly total: number;
  /** One worker fits its limit. */
  readonly fitsWorker: boolean;
  /** Every worker fits its limit and all of them the machine. */
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
  const workspace = FLOAT * tokens * (b.workPerToken + b.workPerTokenPosition * length + input.moduleWorkPerToken);
  const optimiser = FLOAT * (input.shardSize > batchSize ? 5 : 4) * input.trainedParams;
  const perWorker = Math.ceil(HEAP_SLACK * (weights + activations + workspace + optimiser));
  const total = perWorker * input.workers;
  const fitsWorker = perWorker <= input.workerLimitBytes;
  return { input, weights, activations, workspace, optimiser, perWorker, total, fitsWorker, fits: fitsWorker && total <= input.machineBytes };
}

/** The most workers of `plan`'s size that fit their own limit and the machine's memory together (at least 1). */
export function maxWorkersThatFit(plan: MemoryPlan): number {
  if (!plan.fitsWorker) return 1;
  return Math.max(1, Math.floor(plan.input.machineBytes / plan.perWorker));
}

/** The largest micro-batch at or below `plan`'s whose worker fits its limit, or 0 when not even 1 does. */
export function largestMicroBatchThatFits(plan: MemoryPlan): number {
  return largestThatFits(plan.input.batchSize, plan.input.shardSize, (m) => planMemory({ ...plan.input, batchSize: m }).fitsWorker);
}

/**
 * The largest m in [1, max] with `fits(m)`, or 0: `shard` itself first (a whole shard keeps no summed
 * gradient, so it may fit where a slightly smaller micro-batch does not), then a bisection below it
 * (memory grows with the micro-batch).
 */
export function largestThatFits(max: number, shard: number, fits: (m: number) => boolean): number {
  if (max >= shard && fits(shard)) return shard;
  let lo = 0;
  let hi = Math.min(max, shard - 1);
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (fits(mid)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

export function formatBytes(bytes: number): string {
  return bytes >= 2 ** 30 ? `${(bytes / 2 ** 30).toFixed(2)} GiB` : `${Math.round(bytes / MiB)} MiB`;
}

/** "micro-batch 4 (of a shard of 8) x 128" or "batch 8 x 128". */
function describeShape(plan: MemoryPlan): string {
  const { batchSize, shardSize, length } = plan.input;
  return shardSize > batchSize ? `micro-batch ${batchSize} (of a shard of ${shardSize}) x ${length}` : `batch ${batchSize} x ${length}`;
}

/** One line: the plan's parts and total. */
export function describeMemoryPlan(plan: MemoryPlan): string {
  const { workers } = plan.input;
  return (
    `${formatBytes(plan.perWorker)} per worker at ${describeShape(plan)} ` +
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

/**
 * Throws a one-line MemoryPlanError (what it needs, what there is, what to change) unless `plan` fits.
 * `microBatchGiven`: the micro-batch was set (--micro-batch-size), so a smaller one is a fix; "auto"
 * already took the largest that fits, so only a shorter sequence, fewer candidates or another backend help.
 */
export function assertPlanFits(plan: MemoryPlan, what: string, microBatchGiven: boolean): void {
  if (plan.fits) return;
  const { input } = plan;
  if (plan.fitsWorker) {
    const workers = maxWorkersThatFit(plan);
    throw new MemoryPlanError(
      `${what} needs about ${formatBytes(plan.total)} for ${input.workers} workers (${formatBytes(plan.perWorker)} each at ${describeShape(plan)}) ` +
        `but this machine has ${formatBytes(input.machineBytes)}; use --workers ${workers}${microBatchGiven ? " or a smaller --micro-batch-size" : ""}`,
    );
  }
  const m = microBatchGiven ? largestMicroBatchThatFits(plan) : 0;
  const fixes = [
    m > 0 ? `--micro-batch-size ${m}` : null,
    `a smaller --max-length (now ${input.length})`,
    "fewer candidates (--methods, --include/--exclude)",
    "the tensorflow backend (no 4 GiB heap)",
  ].filter((x) => x !== null);
  throw new MemoryPlanError(
    `${what} needs about ${formatBytes(plan.perWorker)} per worker ${input.batchSize === 1 ? "even at one example at a time " : ""}but a worker has ${formatBytes(input.workerLimitBytes)} ` +
      `(weights ${formatBytes(plan.weights)}, activations ${formatBytes(plan.activations)} at ${describeShape(plan)}); ` +
      `use ${fixes.join(", or ")}`,
  );
}
