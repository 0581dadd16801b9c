// The weights of a BERT/RoBERTa encoder as a typed tree, with the HF tensor name, shape and init of
// every leaf in one place (`buildBertWeights`): random init, loading and saving all walk it, so the
// names exist once. Linear kernels are stored [in, out] (HF stores [out, in]) so that forward is
// x[N, in] · W[in, out], the one matmul form tfjs-wasm runs fast without transposes.
import type * as tf from "@tensorflow/tfjs";
import type { BertConfig } from "./bert-config.js";

export interface BertTensorSpec {
  /** HF parameter name without the `bert.`/`roberta.` prefix, e.g. `encoder.layer.0.output.dense.weight`. */
  readonly name: string;
  /** Shape as stored here. */
  readonly shape: readonly number[];
  /** Shape in the HF checkpoint (reversed for linear kernels). */
  readonly hfShape: readonly number[];
  /** True for linear kernels: HF [out, in] is transposed to [in, out]. */
  readonly transposed: boolean;
  /** HF `_init_weights`: normal(0, initializer_range), zeros or ones. */
  readonly init: "normal" | "zeros" | "ones";
  /** Embedding row zeroed at init (nn.Embedding padding_idx), if any. */
  readonly paddingRow?: number;
}

export interface LinearWeights<T = tf.Tensor> {
  /** [in, out] */
  readonly kernel: T;
  /** [out] */
  readonly bias: T;
}

export interface NormWeights<T = tf.Tensor> {
  /** [d] */
  readonly gamma: T;
  /** [d] */
  readonly beta: T;
}

export interface BertLayerWeights<T = tf.Tensor> {
  readonly query: LinearWeights<T>;
  readonly key: LinearWeights<T>;
  readonly value: LinearWeights<T>;
  /** [2P - 1, head dim]: one key-side embedding per query-key distance (relative position types only). */
  readonly distanceEmbedding: T | null;
  readonly attentionOutput: LinearWeights<T>;
  readonly attentionNorm: NormWeights<T>;
  readonly intermediate: LinearWeights<T>;
  readonly output: LinearWeights<T>;
  readonly outputNorm: NormWeights<T>;
}

export interface BertWeightTree<T = tf.Tensor> {
  /** [V, H] */
  readonly wordEmbeddings: T;
  /** [P, H]; HF keeps (and saves) the table for the relative position types too, where it is unused. */
  readonly positionEmbeddings: T;
  /** [typeVocab, H] */
  readonly tokenTypeEmbeddings: T;
  readonly embeddingsNorm: NormWeights<T>;
  readonly layers: readonly BertLayerWeights<T>[];
  /** Absent in checkpoints saved without a pooler (common for RoBERTa). */
  readonly pooler: LinearWeights<T> | null;
}

export interface BertWeights<T = tf.Tensor> {
  readonly tree: BertWeightTree<T>;
  /** Every leaf with its spec, in HF order. */
  readonly entries: readonly { readonly spec: BertTensorSpec; readonly tensor: T }[];
}

/** Walks the architecture, asking `make` for each tensor; `withPooler` false leaves the pooler out. */
export function buildBertWeights<T>(config: BertConfig, withPooler: boolean, make: (spec: BertTensorSpec) => T): BertWeights<T> {
  const { hiddenSize: H, intermediateSize: I } = config;
  const relative = config.positionEmbeddingType !== "absolute";
  const distances = 2 * config.maxPositions - 1;
  const headDim = H / config.numHeads;
  const entries: { spec: BertTensorSpec; tensor: T }[] = [];
  const take = (spec: BertTensorSpec): T => {
    const tensor = make(spec);
    entries.push({ spec, tensor });
    return tensor;
  };
  const embedding = (name: string, rows: number, paddingRow?: number): T =>
    take({ name, shape: [rows, H], hfShape: [rows, H], transposed: false, init: "normal", paddingRow });
  const linear = (prefix: string, dIn: number, dOut: number): LinearWeights<T> => ({
    kernel: take({ name: `${prefix}.weight`, shape: [dIn, dOut], hfShape: [dOut, dIn], transposed: true, init: "normal" }),
    bias: take({ name: `${prefix}.bias`, shape: [dOut], hfShape: [dOut], transposed: false, init: "zeros" }),
  });
  const norm = (prefix: string): NormWeights<T> => ({
    gamma: take({ name: `${prefix}.weight`, shape: [H], hfShape: [H], transposed: false, init: "ones" }),
    beta: take({ name: `${prefix}.bias`, shape: [H], hfShape: [H], transposed: false, init: "zeros" }),
  });

  const isRoberta = config.modelType === "roberta";
  const wordEmbeddings = embedding("embeddings.word_embeddings.weight", config.vocabSize, config.padTokenId);
  const positionEmbeddings = embedding(
    "embeddings.position_embeddings.weight",
    config.maxPositions,
    isRoberta ? config.padTokenId : undefined,
  );
  const tokenTypeEmbeddings = embedding("embeddings.token_type_embeddings.weight", config.typeVocabSize);
  const embeddingsNorm = norm("embeddings.LayerNorm");
  const layers: BertLayerWeights<T>[] = [];
  for (let i = 0; i < config.numLayers; i++) {
    const p = `encoder.layer.${i}`;
    layers.push({
      query: linear(`${p}.attention.self.query`, H, H),
      key: linear(`${p}.attention.self.key`, H, H),
      value: linear(`${p}.attention.self.value`, H, H),
      distanceEmbedding: relative
        ? take({ name: `${p}.attention.self.distance_embedding.weight`, shape: [distances, headDim], hfShape: [distances, headDim], transposed: false, init: "normal" })
        : null,
      attentionOutput: linear(`${p}.attention.output.dense`, H, H),
      attentionNorm: norm(`${p}.attention.output.LayerNorm`),
      intermediate: linear(`${p}.intermediate.dense`, H, I),
      output: linear(`${p}.output.dense`, I, H),
      outputNorm: norm(`${p}.output.LayerNorm`),
    });
  }
  const pooler = withPooler ? linear("pooler.dense", H, H) : null;
  return {
    tree: { wordEmbeddings, positionEmbeddings, tokenTypeEmbeddings, embeddingsNorm, layers, pooler },
    entries,
  };
}

/** The specs alone (names and shapes a checkpoint must provide). */
export function bertTensorSpecs(config: BertConfig, withPooler: boolean): readonly BertTensorSpec[] {
  return buildBertWeights(config, withPooler, (spec) => spec).entries.map((e) => e.spec);
}
