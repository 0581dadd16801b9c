// DataParallel: one training phase's model on `workers` compute units. Unit 0 is the main thread's
// own Replica; units 1..n-1 are worker_threads, each with its own tfjs backend (its own wasm heap)
// and its own Replica built from the same ReplicaSpec and seeds. Every batch is cut into contiguous
// shards (unit i takes the i-th); each unit returns its shard's loss and gradients, scaled so they sum
// to the whole batch's mean, and the main thread adds them in unit order (a fixed order: a run is
// deterministic for a given worker count). A unit runs its shard in micro-batches of at most
// `microBatch` examples and sums their gradients in order (micro-batch-gradients.ts). The main
// thread owns the optimisers, alpha's updates, the RNGs and the gate noise; after an update it
// broadcasts the new trained values (`sync`). Evaluation splits are sharded the same way and the
// logits concatenated in order. A worker that throws, aborts or exits fails the pending call (and
// every later one) with an error naming the worker.
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import * as tf from "@tensorflow/tfjs";
import { S3petInputError } from "../errors/s3pet-error.js";
import type { WorkerRecipe } from "../run/engine-deps.js";
import type { TaskObjective } from "../task/task.js";
import type { EvalScore, SplitName } from "./evaluator.js";
import type { NamedParam } from "./adamw.js";
import type { EvalShard, GradTarget, ReplicaSpec, ShardGradients, ShardRequest } from "./replica.js";
import type { ParamSnapshot } from "./tuned-model.js";
import { microBatchGradients } from "./micro-batch-gradients.js";

/** What the main thread asks of a worker (`id` pairs the answer). */
export type WorkerRequest =
  | { readonly op: "gradients"; readonly req: ShardRequest; readonly microBatch: number }
  | { readonly op: "evaluate"; readonly split: SplitName; readonly start: number; readonly end: number; readonly gates: Float32Array | null; readonly batchSize: number }
  | { readonly op: "assign"; readonly values: ParamSnapshot };

export type WorkerReply =
  | { readonly id: number; readonly ok: true; readonly result: unknown }
  | { readonly id: number; readonly ok: false; readonly error: { readonly message: string; readonly name: string; readonly input: boolean } };

/** What one data-parallel unit computes: the engine's Replica, or a caller's own (pretraining's). */
export interface ShardReplica {
  /** The trained parameters of `wrt` in a fixed order (the same in every unit). */
  params(wrt: GradTarget): NamedParam[];
  /** A shard's scaled loss and gradients (tensors the caller owns). */
  gradients(req: ShardRequest): ShardGradients<tf.Tensor>;
  /** Outputs and summed loss of items [start, end) of an evaluation split. */
  evaluate(split: SplitName, start: number, end: number, gates: Float32Array | null, batchSize: number): EvalShard;
  /** Overwrites the parameters named in `values`. */
  assign(values: ParamSnapshot): void;
}

/** What a worker is started with: the engine's ReplicaSpec (the recipe gives EvalDeps), or null (the recipe gives the ShardReplica itself). */
export interface WorkerData {
  readonly recipe: WorkerRecipe;
  readonly spec: ReplicaSpec | null;
  readonly index: number;
}

/** A failure inside a data-parallel worker, surfaced on the main thread. */
export class WorkerFailedError extends Error {
  override readonly name = "WorkerFailedError";
}

/** The shards of `n` items over `units` units: contiguous, sizes differing by at most one, empty ones last. */
export function shardRanges(n: number, units: number): Array<readonly [number, number]> {
  const base = Math.floor(n / units);
  const extra = n % units;
  const ranges: Array<readonly [number, number]> = [];
  let start = 0;
  for (let i = 0; i < units; i++) {
    const size = base + (i < extra ? 1 : 0);
    ranges.push([start, start + size]);
    start += size;
  }
  return ranges;
}

export class DataParallel {
  private failure: Error | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; worker: number }>();
  private readonly shapes: Map<string, number[]>;

  private constructor(
    readonly local: ShardReplica,
    private readonly workers: readonly Worker[],
    /** Examples a unit runs through the model at once (Infinity: its whole shard). */
    readonly microBatch: number,
  ) {
    this.shapes = new Map(local.params("all").map((p) => [p.key, [...p.variable.shape]]));
    workers.forEach((w, i) => {
      w.on("message", (reply: WorkerReply) => this.settle(reply));
      w.on("error", (error) => this.fail(new WorkerFailedError(`data-parallel worker ${i + 1} failed: ${error.message}`, { cause: error })));
      w.on("exit", (code) => this.fail(new WorkerFailedError(`data-parallel worker ${i + 1} exited (code ${code}) while the run needed it`)));
    });
  }

  /** Units computing each batch (the main thread and the workers). */
  get units(): number {
    return this.workers.length + 1;
  }

  /**
   * Starts `workers - 1` worker threads that build replicas of `local` from `recipe` (and `spec` for
   * the engine's Replica), and waits until every one is ready (or fails). `workers` 1 runs in-process.
   * Each unit runs its shard in micro-batches of at most `microBatch` examples.
   */
  static async start(local: ShardReplica, workers: number, recipe: WorkerRecipe | undefined, spec: ReplicaSpec | null, microBatch = Infinity): Promise<DataParallel> {
    if (workers > 1 && !recipe) {
      throw new S3petInputError(`--workers ${workers}: this caller gives the engine no worker recipe (EngineDeps.workerRecipe), so it can only train in-process: use --workers 1`);
    }
    const script = workerScript();
    const threads: Worker[] = [];
    const ready: Promise<void>[] = [];
    for (let i = 1; i < workers; i++) {
      const data: WorkerData = { recipe: recipe!, spec, index: i };
      const w = new Worker(script, { workerData: data });
      threads.push(w);
      ready.push(
        new Promise<void>((resolve, reject) => {
          const onMessage = (m: { ready?: boolean; error?: string }) => {
            w.off("error", onError);
            w.off("exit", onExit);
            if (m.ready) resolve();
            else reject(new WorkerFailedError(`data-parallel worker ${i} could not start: ${m.error}`));
          };
          const onError = (e: Error) => reject(new WorkerFailedError(`data-parallel worker ${i} could not start: ${e.message}`, { cause: e }));
          const onExit = (code: number) => reject(new WorkerFailedError(`data-parallel worker ${i} exited (code ${code}) while starting`));
          w.once("message", onMessage);
          w.once("error", onError);
          w.once("exit", onExit);
        }),
      );
    }
    try {
      await Promise.all(ready);
    } catch (error) {
      await Promise.all(threads.map((t) => t.terminate()));
      throw error;
    }
    const pool = new DataParallel(local, threads, microBatch);
    pool.sync("all");
    return pool;
  }

  /**
   * The loss and gradients of the whole batch `examples` (its mean loss), summed over the shards in
   * unit order (each summed over its micro-batches); the gradient tensors belong to the caller.
   */
  async gradients(examples: readonly number[], shared: Omit<ShardRequest, "examples" | "batchSize">): Promise<ShardGradients<tf.Tensor>> {
    const ranges = shardRanges(examples.length, this.units);
    const request = (i: number): ShardRequest => ({ ...shared, examples: examples.slice(ranges[i]![0], ranges[i]![1]), batchSize: examples.length });
    const remote = this.workers.map((_, j) =>
      ranges[j + 1]![1] > ranges[j + 1]![0] ? (this.call(j, { op: "gradients", req: request(j + 1), microBatch: this.microBatch }) as Promise<ShardGradients<Float32Array>>) : null,
    );
    const mine = microBatchGradients(this.local, request(0), this.microBatch);
    let parts: (ShardGradients<Float32Array> | null)[];
    try {
      parts = await Promise.all(remote);
    } catch (error) {
      tf.dispose(Object.values(mine.grads));
      throw error;
    }
    let loss = mine.loss;
    let tokens = mine.tokens;
    const grads = { ...mine.grads };
    for (const part of parts) {
      if (!part) continue;
      loss += part.loss;
      tokens += part.tokens;
      for (const [key, data] of Object.entries(part.grads)) {
        const shape = this.shapeOf(key);
        const prev = grads[key];
        grads[key] = prev ? tf.tidy(() => tf.add(prev, tf.tensor(data, shape))) : tf.tensor(data, shape);
        prev?.dispose();
      }
    }
    return { loss, tokens, grads };
  }

  /** Scores a split (or its first `maxExamples`) with `gates` [C] (null: all 1), sharded over the units. */
  async evaluate(split: SplitName, objective: TaskObjective, labels: Float32Array, gates: Float32Array | null, batchSize: number): Promise<EvalScore> {
    const n = labels.length;
    if (n === 0) throw new Error("cannot evaluate an empty split");
    const parts = await this.evaluateShards(split, n, gates, batchSize);
    const predictions = new Float32Array(n * objective.numLabels);
    let offset = 0;
    let lossSum = 0;
    for (const p of parts) {
      predictions.set(p.predictions, offset);
      offset += p.predictions.length;
      lossSum += p.lossSum;
    }
    return { score: objective.score(predictions, labels), loss: lossSum / n, examples: n };
  }

  /** Items [0, n) of a split cut into contiguous ranges, one per unit; the non-empty ones' outputs in unit order. */
  async evaluateShards(split: SplitName, n: number, gates: Float32Array | null, batchSize: number): Promise<EvalShard[]> {
    const ranges = shardRanges(n, this.units);
    const remote = this.workers.map((_, j) => {
      const [start, end] = ranges[j + 1]!;
      return end > start ? (this.call(j, { op: "evaluate", split, start, end, gates, batchSize }) as Promise<EvalShard>) : null;
    });
    const mine = this.local.evaluate(split, ranges[0]![0], ranges[0]![1], gates, batchSize);
    return [mine, ...(await Promise.all(remote))].filter((p): p is EvalShard => p !== null);
  }

  /** Sends the main replica's current values of `which` to every worker (after an update or a restore). */
  sync(which: GradTarget): void {
    if (this.workers.length === 0) return;
    const values: ParamSnapshot = {};
    for (const p of this.local.params(which)) values[p.key] = { shape: [...p.variable.shape], data: p.variable.dataSync() as Float32Array };
    this.workers.forEach((_, j) => {
      // Each worker gets its own copy, transferred; a failure shows on the next call that awaits.
      const copy: ParamSnapshot = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, { shape: v.shape, data: Float32Array.from(v.data) }]));
      this.call(j, { op: "assign", values: copy }, Object.values(copy).map((v) => v.data.buffer as ArrayBuffer)).catch(() => undefined);
    });
  }

  /** Ends the workers (the local replica stays with its owner). */
  async dispose(): Promise<void> {
    this.failure ??= new WorkerFailedError("the data-parallel workers were shut down");
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private shapeOf(key: string): number[] {
    const shape = this.shapes.get(key);
    if (!shape) throw new WorkerFailedError(`a worker returned a gradient for unknown parameter '${key}'`);
    return shape;
  }

  private call(worker: number, message: WorkerRequest, transfer: ArrayBuffer[] = []): Promise<unknown> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, worker });
      this.workers[worker]!.postMessage({ id, ...message }, transfer);
    });
  }

  private settle(reply: WorkerReply): void {
    const p = this.pending.get(reply.id);
    if (!p) return;
    this.pending.delete(reply.id);
    if (reply.ok) {
      p.resolve(reply.result);
      return;
    }
    const where = `data-parallel worker ${p.worker + 1}`;
    this.fail(reply.error.input ? new S3petInputError(`${reply.error.message} (in ${where})`) : new WorkerFailedError(`${where}: ${reply.error.name}: ${reply.error.message}`));
    p.reject(this.failure!);
  }

  /** Rejects every pending call, and every later one, with `error` (the first failure wins). */
  private fail(error: Error): void {
    if (this.failure) return;
    this.failure = error;
    for (const [id, p] of this.pending) {
      this.pending.delete(id);
      p.reject(error);
    }
  }
}

/** The worker entry, next to this file. */
function workerScript(): URL {
  return new URL(builtSibling(import.meta.url, "replica-worker"));
}

/**
 * The file: URL of the compiled module `name` next to the module at `moduleUrl`, for a worker thread
 * to import: `name.js` beside it, or, when `moduleUrl` is a TypeScript source (tests), the one in the
 * package's dist/. Throws when neither exists (build the package first).
 */
export function builtSibling(moduleUrl: string, name: string): string {
  const here = fileURLToPath(moduleUrl);
  const sibling = join(dirname(here), `${name}.js`);
  if (existsSync(sibling)) return pathToFileURL(sibling).href;
  const built = sibling.replace(/([\\/])src([\\/])(?!.*[\\/]src[\\/])/, "$1dist$2");
  if (existsSync(built)) return pathToFileURL(built).href;
  throw new Error(`the compiled module ${name}.js is neither at ${sibling} nor at ${built} (build the package first)`);
}
