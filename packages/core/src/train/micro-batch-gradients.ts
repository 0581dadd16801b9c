// Gradient accumulation inside one data-parallel unit: its shard of a batch runs through the model in
// micro-batches of at most `microBatch` examples, so a step's kept activations are those of one
// micro-batch (docs/MEMORY.md). Each micro-batch's loss is already scaled by its rows over the whole
// batch (ShardRequest.batchSize), so the sum over micro-batches is the shard's; they are added in
// order, so a run is deterministic for a given worker count and micro-batch size.
import * as tf from "@tensorflow/tfjs";
import type { ShardReplica } from "./data-parallel.js";
import type { ShardGradients, ShardRequest } from "./replica.js";

/** The shard's scaled loss and gradients (tensors the caller owns), summed over micro-batches of at most `microBatch` examples. */
export function microBatchGradients(replica: ShardReplica, req: ShardRequest, microBatch: number): ShardGradients<tf.Tensor> {
  if (req.examples.length <= microBatch) return replica.gradients(req);
  let loss = 0;
  let tokens = 0;
  const grads: Record<string, tf.Tensor> = {};
  try {
    for (let start = 0; start < req.examples.length; start += microBatch) {
      const part = replica.gradients({ ...req, examples: req.examples.slice(start, start + microBatch) });
      loss += part.loss;
      tokens += part.tokens;
      for (const [key, g] of Object.entries(part.grads)) {
        const sum = grads[key];
        grads[key] = sum ? tf.add(sum, g) : g;
        if (sum) tf.dispose([sum, g]);
      }
    }
  } catch (error) {
    tf.dispose(Object.values(grads));
    throw error;
  }
  return { loss, tokens, grads };
}
