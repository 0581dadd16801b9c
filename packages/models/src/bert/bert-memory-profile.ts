// bertMemoryProfile: what the memory plan needs of a BERT/RoBERTa encoder, from its config alone.
// The counts are the float32 tensors of one post-LN layer (bert-model.ts) per token: hidden size H,
// feed-forward width I, heads h and sequence length T (the attention terms scale with h x T).
// Kept for the backward pass (what its gradients read, docs/MEMORY.md): the GELU's input (I, its
// derivative is written out); the softmax's weights and the score matmul's input (2 h T); the attention's
// q, k, v heads, its output, two LayerNorms' normalised inputs and their scales (about 9 H).
// Alive while a layer runs besides what it keeps: the intermediates of its forward or backward pass at
// their peak (the GELU's and its derivative's [N, I] terms, the residual stream's gradients, the
// softmax gradient's scores): about 7 I + 6 H + 6 h T. Both measured as buffers, each counted once,
// with tools/bench/memory/step-memory.mjs on the embedded and bert-base shapes (docs/MEMORY.md).
// The relative position types (relative-position-scores.ts) add, estimated rather than measured, the
// work of their [T, h, T] products and transposed copies (2 h T per side); the [T, T, head dim] distance
// vectors they gather once per layer are small beside the batch's terms.
import type { BackboneMemoryProfile } from "@s3pet/core";
import type { BertConfig } from "./bert-config.js";
import { bertTensorSpecs } from "./bert-weights.js";

export function bertMemoryProfile(config: BertConfig, withPooler = true): BackboneMemoryProfile {
  const { hiddenSize: H, intermediateSize: I, numHeads: h } = config;
  const weights = bertTensorSpecs(config, withPooler).reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1), 0);
  return {
    weightBytes: 4 * weights,
    numLayers: config.numLayers,
    keptPerToken: I + 9 * H,
    keptPerTokenPosition: 2 * h,
    workPerToken: 7 * I + 6 * H,
    workPerTokenPosition: 6 * h + relativeWork(config),
  };
}

function relativeWork(config: BertConfig): number {
  const sides = { absolute: 0, relative_key: 1, relative_key_query: 2 }[config.positionEmbeddingType];
  return 2 * config.numHeads * sides;
}
