// exampleDropout: inverted dropout whose mask is drawn per example from (seed, step, pass, example),
// so splitting a batch into shards (data-parallel workers) or resuming a run draws the same masks as
// one process training the whole batch. Rows of x are examples x tokens, example-major.
import * as tf from "@tensorflow/tfjs";
import type { TrainingContext } from "./pet-module.js";

/** x [N, d] with N = examples x tokens -> x with each entry kept with prob 1 - rate and scaled by 1 / (1 - rate). Call inside tf.tidy. */
export function exampleDropout<T extends tf.Tensor2D>(x: T, rate: number, seed: number, ctx: TrainingContext): T {
  if (rate <= 0) return x;
  const b = ctx.examples.length;
  const [N, d] = x.shape;
  if (b === 0 || N % b !== 0) throw new Error(`exampleDropout: ${N} rows do not split into ${b} examples`);
  const T = N / b;
  const masks = ctx.examples.map((e) => tf.randomUniform([T, d], 0, 1, "float32", mixSeed(seed, ctx.step, ctx.pass, e))); // b x [T, d]
  const keep = tf.div(tf.cast(tf.greaterEqual(tf.concat(masks, 0), rate), "float32"), 1 - rate); // [N, d]
  return tf.mul(x, keep) as T;
}

/** A 32-bit seed from integers (FNV-1a over their bytes): distinct tuples give unrelated seeds. */
export function mixSeed(...parts: readonly number[]): number {
  let h = 0x811c9dc5;
  for (const p of parts) {
    for (const word of [p >>> 0, Math.floor(p / 2 ** 32) >>> 0]) {
      for (let k = 0; k < 4; k++) {
        h ^= (word >>> (8 * k)) & 0xff;
        h = Math.imul(h, 0x01000193) >>> 0;
      }
    }
  }
  return h;
}
