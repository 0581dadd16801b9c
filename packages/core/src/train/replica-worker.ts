// The entry of a data-parallel worker thread: its own tfjs backend (its own wasm heap), the caller's
// deps rebuilt from the recipe, and a Replica built from the main thread's spec; then it answers
// DataParallel's requests in order. Errors are sent back as replies; the thread keeps running until
// the main thread terminates it.
import "reflect-metadata";
import { parentPort, workerData } from "node:worker_threads";
import { initBackend } from "../backend/init-backend.js";
import { S3petInputError } from "../errors/s3pet-error.js";
import type { EvalDeps } from "../run/engine-deps.js";
import type { ShardReplica, WorkerData, WorkerReply, WorkerRequest } from "./data-parallel.js";
import { microBatchGradients } from "./micro-batch-gradients.js";
import { Replica } from "./replica.js";

const port = parentPort!;
const { recipe, spec } = workerData as WorkerData;

async function start(): Promise<ShardReplica> {
  await initBackend();
  const mod = (await import(recipe.module)) as Record<string, unknown>;
  const factory = mod[recipe.export];
  if (typeof factory !== "function") throw new Error(`worker recipe: ${recipe.module} exports no function '${recipe.export}'`);
  const made = (await (factory as (args: unknown) => unknown)(recipe.args)) as EvalDeps | ShardReplica;
  // With the engine's spec the recipe gives EvalDeps; without, it builds the replica itself.
  return spec ? new Replica(made as EvalDeps, spec) : (made as ShardReplica);
}

function answer(replica: ShardReplica, m: WorkerRequest): { result: unknown; transfer: ArrayBuffer[] } {
  switch (m.op) {
    case "gradients": {
      const { loss, tokens, grads } = microBatchGradients(replica, m.req, m.microBatch);
      const host: Record<string, Float32Array> = {};
      for (const [k, g] of Object.entries(grads)) {
        host[k] = Float32Array.from(g.dataSync() as Float32Array); // a copy we own: it is transferred
        g.dispose();
      }
      return { result: { loss, tokens, grads: host }, transfer: Object.values(host).map((a) => a.buffer as ArrayBuffer) };
    }
    case "evaluate": {
      const shard = replica.evaluate(m.split, m.start, m.end, m.gates, m.batchSize);
      return { result: shard, transfer: [shard.predictions.buffer as ArrayBuffer] };
    }
    case "assign":
      replica.assign(m.values);
      return { result: null, transfer: [] };
  }
}

start().then(
  (replica) => {
    port.on("message", (m: WorkerRequest & { id: number }) => {
      let reply: WorkerReply;
      let transfer: ArrayBuffer[] = [];
      try {
        const a = answer(replica, m);
        reply = { id: m.id, ok: true, result: a.result };
        transfer = a.transfer;
      } catch (error) {
        const e = error instanceof Error ? error : new Error(String(error));
        reply = { id: m.id, ok: false, error: { message: e.message, name: e.name, input: e instanceof S3petInputError } };
      }
      port.postMessage(reply, transfer);
    });
    port.postMessage({ ready: true });
  },
  (error: unknown) => port.postMessage({ ready: false, error: error instanceof Error ? error.message : String(error) }),
);
