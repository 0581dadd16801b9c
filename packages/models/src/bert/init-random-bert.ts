// A randomly initialised BertModel (pretraining from scratch), as HF `_init_weights` does it:
// normal(0, initializer_range) for kernels and embeddings (padding rows zeroed), zero biases,
// LayerNorm gamma 1 / beta 0. Every draw is seeded, so the same seed gives the same model.
import * as tf from "@tensorflow/tfjs";
import type { BertConfig } from "./bert-config.js";
import { BertModel } from "./bert-model.js";
import { buildBertWeights, type BertTensorSpec } from "./bert-weights.js";

export interface RandomInitOptions {
  readonly seed: number;
  /** Weights as tf.Variables. @default true */
  readonly trainable?: boolean;
  /** Include the pooler (dense + tanh on the first token). @default true */
  readonly pooler?: boolean;
}

export function initRandomBertModel(config: BertConfig, options: RandomInitOptions): BertModel {
  let index = 0;
  const weights = buildBertWeights(config, options.pooler ?? true, (spec) =>
    initTensor(spec, config.initializerRange, tensorSeed(options.seed, index++)),
  );
  return new BertModel(config, weights, { trainable: options.trainable ?? true });
}

function initTensor(spec: BertTensorSpec, std: number, seed: number): tf.Tensor {
  const shape = [...spec.shape];
  if (spec.init === "zeros") return tf.zeros(shape);
  if (spec.init === "ones") return tf.ones(shape);
  const values = tf.randomNormal(shape, 0, std, "float32", seed);
  if (spec.paddingRow === undefined) return values;
  const data = values.dataSync().slice();
  values.dispose();
  const cols = shape[1]!;
  data.fill(0, spec.paddingRow * cols, (spec.paddingRow + 1) * cols); // padding row exactly +0
  return tf.tensor(data, shape);
}

/** A distinct, deterministic seed per tensor (splitmix-style mixing of seed and index). */
export function tensorSeed(seed: number, index: number): number {
  let h = (Math.imul(seed | 0, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca6b)) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 13)) >>> 0;
}
