// The weights of a T5 encoder-decoder as a typed tree, with the HF tensor name and shape of every leaf
// in one place (`buildT5Weights`): loading, counting and the sites walk it, so the names exist once.
// Linear kernels are stored [in, out] (HF stores [out, in]), as in bert-weights.ts. T5 has no biases.
import type * as tf from "@tensorflow/tfjs";
import type { BertTensorSpec } from "../bert/bert-weights.js";
import { t5InnerDim, type T5Config } from "./t5-config.js";

/** Name, stored and HF shape, transposition and init of one tensor (the same record as BERT's). */
export type T5TensorSpec = BertTensorSpec;

/** q, k, v: [dModel, inner]; o: [inner, dModel] */
export interface T5AttentionWeights<T = tf.Tensor> {
  readonly q: T;
  readonly k: T;
  readonly v: T;
  readonly o: T;
}

/** relu: wi [dModel, dFf]; gated-gelu: wi0, wi1 [dModel, dFf]; wo [dFf, dModel] */
export interface T5FeedForwardWeights<T = tf.Tensor> {
  readonly wi: T | null;
  readonly wi0: T | null;
  readonly wi1: T | null;
  readonly wo: T;
}

export interface T5BlockWeights<T = tf.Tensor> {
  /** [dModel] each (RMS norm scales) */
  readonly selfNorm: T;
  readonly selfAttention: T5AttentionWeights<T>;
  /** Decoder blocks only. */
  readonly crossNorm: T | null;
  readonly crossAttention: T5AttentionWeights<T> | null;
  readonly ffnNorm: T;
  readonly ffn: T5FeedForwardWeights<T>;
}

export interface T5StackWeights<T = tf.Tensor> {
  /** [buckets, heads]: held by block 0, used by every block of the stack. */
  readonly relativeBias: T;
  readonly blocks: readonly T5BlockWeights<T>[];
  /** [dModel] */
  readonly finalNorm: T;
}

export interface T5WeightTree<T = tf.Tensor> {
  /** [V, dModel]: the input embeddings of both stacks (and the LM head when tied). */
  readonly shared: T;
  readonly encoder: T5StackWeights<T>;
  /** Absent in an encoder-only (T5EncoderModel) checkpoint. */
  readonly decoder: T5StackWeights<T> | null;
  /** [dModel, V], untied encoder-decoder checkpoints only. */
  readonly lmHead: T | null;
}

export interface T5Weights<T = tf.Tensor> {
  readonly tree: T5WeightTree<T>;
  /** Every leaf with its spec, in HF order. */
  readonly entries: readonly { readonly spec: T5TensorSpec; readonly tensor: T }[];
}

/** Walks the architecture, asking `make` for each tensor. */
export function buildT5Weights<T>(config: T5Config, make: (spec: T5TensorSpec) => T): T5Weights<T> {
  const { dModel: D, dFf: F, vocabSize: V } = config;
  const inner = t5InnerDim(config);
  const entries: { spec: T5TensorSpec; tensor: T }[] = [];
  const take = (spec: T5TensorSpec): T => {
    const tensor = make(spec);
    entries.push({ spec, tensor });
    return tensor;
  };
  const kernel = (name: string, dIn: number, dOut: number): T =>
    take({ name: `${name}.weight`, shape: [dIn, dOut], hfShape: [dOut, dIn], transposed: true, init: "normal" });
  const norm = (name: string): T => take({ name: `${name}.weight`, shape: [D], hfShape: [D], transposed: false, init: "ones" });
  const attention = (p: string): T5AttentionWeights<T> => ({
    q: kernel(`${p}.q`, D, inner),
    k: kernel(`${p}.k`, D, inner),
    v: kernel(`${p}.v`, D, inner),
    o: kernel(`${p}.o`, inner, D),
  });
  const gated = config.feedForwardProj === "gated-gelu";
  const stack = (name: "encoder" | "decoder", layers: number): T5StackWeights<T> => {
    const blocks: T5BlockWeights<T>[] = [];
    let relativeBias: T | null = null;
    for (let i = 0; i < layers; i++) {
      const p = `${name}.block.${i}.layer`;
      const selfAttention = attention(`${p}.0.SelfAttention`);
      if (i === 0) {
        const buckets = config.relativeAttentionNumBuckets;
        relativeBias = take({ name: `${p}.0.SelfAttention.relative_attention_bias.weight`, shape: [buckets, config.numHeads], hfShape: [buckets, config.numHeads], transposed: false, init: "normal" });
      }
      const selfNorm = norm(`${p}.0.layer_norm`);
      const cross = name === "decoder";
      const crossAttention = cross ? attention(`${p}.1.EncDecAttention`) : null;
      const crossNorm = cross ? norm(`${p}.1.layer_norm`) : null;
      const f = `${p}.${cross ? 2 : 1}`;
      const ffn: T5FeedForwardWeights<T> = {
        wi: gated ? null : kernel(`${f}.DenseReluDense.wi`, D, F),
        wi0: gated ? kernel(`${f}.DenseReluDense.wi_0`, D, F) : null,
        wi1: gated ? kernel(`${f}.DenseReluDense.wi_1`, D, F) : null,
        wo: kernel(`${f}.DenseReluDense.wo`, F, D),
      };
      blocks.push({ selfNorm, selfAttention, crossNorm, crossAttention, ffnNorm: norm(`${f}.layer_norm`), ffn });
    }
    return { relativeBias: relativeBias!, blocks, finalNorm: norm(`${name}.final_layer_norm`) };
  };

  const shared = take({ name: "shared.weight", shape: [V, D], hfShape: [V, D], transposed: false, init: "normal" });
  const encoder = stack("encoder", config.numLayers);
  const decoder = config.encoderOnly ? null : stack("decoder", config.numDecoderLayers);
  const lmHead = config.tieWordEmbeddings || config.encoderOnly ? null : kernel("lm_head", D, V);
  return { tree: { shared, encoder, decoder, lmHead }, entries };
}

/** The specs alone (names and shapes a checkpoint must provide). */
export function t5TensorSpecs(config: T5Config): readonly T5TensorSpec[] {
  return buildT5Weights(config, (spec) => spec).entries.map((e) => e.spec);
}

/** Parameters of the model, the shared embeddings counted once (and lm_head when untied). */
export function t5ParamCount(config: T5Config): number {
  return t5TensorSpecs(config).reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1), 0);
}
