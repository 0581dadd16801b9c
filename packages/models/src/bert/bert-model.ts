// BertModel: a BERT/RoBERTa encoder (post-LayerNorm) over plain tfjs ops, implementing core's Backbone.
// One function per block, read top-down: embeddings -> layers (self-attention, feed-forward) -> pooler.
// At every site of `sites()` it calls the given SiteCalls, so PET modules change the computation
// without the encoder knowing them. Token tensors stay 2-D ([N = B*T, H]) so every projection is one
// fast 2-D matmul; heads are split and merged once per layer inside the attention.
import * as tf from "@tensorflow/tfjs";
import { S3petInputError } from "@s3pet/core";
import type {
  ActivationSite,
  AttentionSite,
  Backbone,
  BackboneForwardOptions,
  BackboneMemoryProfile,
  BackboneOutput,
  EmbeddingSite,
  EncodedBatch,
  FrozenParams,
  LinearSite,
  NormSite,
  ResidualSite,
  Site,
  SiteCalls,
} from "@s3pet/core";
import { activation } from "./activation.js";
import type { BertConfig } from "./bert-config.js";
import { bertMemoryProfile } from "./bert-memory-profile.js";
import { buildBertWeights } from "./bert-weights.js";
import type { BertLayerWeights, BertTensorSpec, BertWeights, LinearWeights, NormWeights } from "./bert-weights.js";
import { additiveMask, gatedPrefixAttention, type AttentionDims } from "./gated-prefix-attention.js";
import { layerNorm } from "./layer-norm.js";
import { distanceRows, relativePositionScores } from "./relative-position-scores.js";

export interface BertModelOptions {
  /** Hold the weights as tf.Variables (full fine-tuning, pretraining). @default false */
  readonly trainable?: boolean;
}

export interface BertForwardOptions extends BackboneForwardOptions {
  /** Training mode: dropout at HF's places with the config's rates, seeded from this (use a new one each step). */
  readonly dropoutSeed?: number;
}

/** The sites of one layer, in forward order. */
interface LayerSites {
  readonly query: LinearSite;
  readonly key: LinearSite;
  readonly value: LinearSite;
  readonly attention: AttentionSite;
  readonly attentionOutputDense: LinearSite;
  readonly attentionOutput: ResidualSite;
  readonly attentionNorm: NormSite;
  readonly intermediate: LinearSite;
  readonly intermediateAct: ActivationSite;
  readonly outputDense: LinearSite;
  readonly output: ResidualSite;
  readonly outputNorm: NormSite;
}

/** What every block needs besides its weights. */
interface ForwardContext {
  readonly config: BertConfig;
  readonly dims: AttentionDims;
  /** [B, 1, 1, T] */
  readonly mask: tf.Tensor4D | null;
  /** [T * T] rows of the layers' distance tables (relative position types), shared by every layer. */
  readonly distanceRows: tf.Tensor1D | null;
  readonly calls: SiteCalls | undefined;
  readonly act: <T extends tf.Tensor>(x: T) => T;
  readonly dropout: Dropout;
}

type Dropout = <T extends tf.Tensor>(x: T, rate: number) => T;

export class BertModel implements Backbone {
  readonly description: string;
  readonly hiddenSize: number;
  readonly numLayers: number;
  private readonly weights: BertWeights;
  private readonly embeddingSite: EmbeddingSite;
  private readonly embeddingNormSite: NormSite;
  private readonly layerSites: readonly LayerSites[];
  private readonly variables: readonly tf.Variable[];
  private disposed = false;

  /** Takes ownership of `weights` (built by `buildBertWeights`); with `trainable` they become variables. */
  constructor(
    readonly config: BertConfig,
    weights: BertWeights,
    options: BertModelOptions = {},
  ) {
    this.hiddenSize = config.hiddenSize;
    this.numLayers = config.numLayers;
    this.description =
      `${config.modelType} ${config.numLayers}x${config.hiddenSize} ` +
      `(${config.numHeads} heads, ffn ${config.intermediateSize}, vocab ${config.vocabSize}` +
      `${config.positionEmbeddingType === "absolute" ? "" : `, ${config.positionEmbeddingType} positions`})`;
    if (options.trainable) {
      const byName = new Map<string, tf.Variable>();
      for (const { spec, tensor } of weights.entries) {
        byName.set(spec.name, tf.variable(tensor, true));
        tensor.dispose(); // the variable holds its own reference to the data
      }
      this.weights = buildBertWeights(config, weights.tree.pooler !== null, (spec) => byName.get(spec.name)!);
      this.variables = [...byName.values()];
    } else {
      this.weights = weights;
      this.variables = [];
    }
    this.embeddingNormSite = { kind: "norm", name: "embeddings.LayerNorm", layer: null, position: "embeddings.LayerNorm", dim: config.hiddenSize };
    this.embeddingSite = {
      kind: "embedding",
      name: "embeddings",
      layer: null,
      position: "embeddings",
      dim: config.hiddenSize,
      vocabSize: config.vocabSize,
    };
    this.layerSites = Array.from({ length: config.numLayers }, (_, i) => layerSites(config, i));
  }

  /** Every site in forward order: embeddings.LayerNorm, embeddings, then per layer q, k, v, attention, ..., output.LayerNorm. */
  sites(): readonly Site[] {
    return [this.embeddingNormSite, this.embeddingSite, ...this.layerSites.flatMap((s) => Object.values(s) as Site[])];
  }

  paramCount(): number {
    return this.weights.entries.reduce((n, { tensor }) => n + tensor.size, 0);
  }

  /** Every weight with its HF name and layout (for saving; kernels are stored [in, out]). */
  namedWeights(): readonly { readonly spec: BertTensorSpec; readonly tensor: tf.Tensor }[] {
    return this.weights.entries;
  }

  /**
   * The frozen parameters of a linear site (kernel [in, out], bias) or a norm site (gamma, beta), for
   * merging modules into them; null for the other site kinds. A site's parameters are `<site>.weight`/`.bias`.
   */
  siteParams(site: Site): FrozenParams | null {
    if (site.kind !== "linear" && site.kind !== "norm") return null;
    const byName = (name: string) => this.weights.entries.find((e) => e.spec.name === name)?.tensor;
    const [weight, bias] = [byName(`${site.name}.weight`), byName(`${site.name}.bias`)];
    return weight && bias ? { weight, bias } : null;
  }

  /** [V, H]: the word embeddings (the masked-LM decoder is tied to them). */
  get wordEmbeddings(): tf.Tensor2D {
    return this.weights.tree.wordEmbeddings as tf.Tensor2D;
  }

  get hasPooler(): boolean {
    return this.weights.tree.pooler !== null;
  }

  memoryProfile(): BackboneMemoryProfile {
    return bertMemoryProfile(this.config, this.hasPooler);
  }

  trainableWeights(): readonly tf.Variable[] {
    return this.variables;
  }

  /** Runs the encoder (from `options.from` when given); call inside tf.tidy. */
  forward(batch: EncodedBatch, calls?: SiteCalls, options: BertForwardOptions = {}): BackboneOutput {
    const { from } = options;
    if (from && !(from.layer >= 0 && from.layer <= this.numLayers && from.hidden.shape[0] === batch.batch * batch.length && from.hidden.shape[1] === this.hiddenSize)) {
      throw new S3petInputError(`BertModel.forward: from.layer must be in [0, ${this.numLayers}] with hidden [${batch.batch * batch.length}, ${this.hiddenSize}]`);
    }
    const ctx = this.context(batch, calls, options.dropoutSeed);
    const { batch: B, length: T } = batch; // batch, tokens
    const H = this.config.hiddenSize; // hidden
    const tree = this.weights.tree;
    // One tidy per block: a layer's intermediates are freed when it ends (the gradient tape keeps
    // what backward needs), so a forward holds one layer's work at a time, not the whole model's.
    let x = from ? from.hidden : tf.tidy(() => embeddings(batch, tree, this.embeddingNormSite, this.embeddingSite, ctx)); // [N, H]
    const hidden2d: tf.Tensor2D[] = [x];
    for (let i = from?.layer ?? 0; i < this.numLayers; i++) {
      const input = x;
      x = tf.tidy(() => bertLayer(input, tree.layers[i]!, this.layerSites[i]!, ctx)); // [N, H]
      hidden2d.push(x);
    }
    const hiddenStates = hidden2d.map((h) => tf.reshape(h, [B, T, H]) as tf.Tensor3D); // each [B, T, H]
    const lastHiddenState = hiddenStates[hiddenStates.length - 1]!;
    return { lastHiddenState, pooledOutput: pooler(lastHiddenState, tree.pooler), hiddenStates };
  }

  /** The plain pretrained output of the embeddings and layers [0, layers): [N, H]. Call inside tf.tidy. */
  hiddenAt(batch: EncodedBatch, layers: number): tf.Tensor2D {
    if (!(Number.isInteger(layers) && layers >= 0 && layers <= this.numLayers)) {
      throw new S3petInputError(`BertModel.hiddenAt: layers must be an integer in [0, ${this.numLayers}], got ${layers}`);
    }
    const ctx = this.context(batch, undefined, undefined);
    const tree = this.weights.tree;
    let x = tf.tidy(() => embeddings(batch, tree, this.embeddingNormSite, this.embeddingSite, ctx)); // [N, H]
    for (let i = 0; i < layers; i++) {
      const input = x;
      x = tf.tidy(() => bertLayer(input, tree.layers[i]!, this.layerSites[i]!, ctx)); // [N, H]
    }
    return x;
  }

  private context(batch: EncodedBatch, calls: SiteCalls | undefined, dropoutSeed: number | undefined): ForwardContext {
    if (this.disposed) throw new S3petInputError("BertModel.forward: the model was disposed; load it again");
    checkBatch(batch, this.config);
    const { batch: B, length: T } = batch; // batch, tokens
    return {
      config: this.config,
      dims: { batch: B, length: T, heads: this.config.numHeads },
      mask: additiveMask(batch.attentionMask, B, T),
      distanceRows: this.config.positionEmbeddingType === "absolute" ? null : distanceRows(T, this.config.maxPositions),
      calls,
      act: activation(this.config.hiddenAct),
      dropout: makeDropout(dropoutSeed),
    };
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const { tensor } of this.weights.entries) tensor.dispose();
  }
}

// ---------------------------------------------------------------------------------------------
// Blocks

/** word + position (absolute type only) + token-type embeddings, LayerNorm (a norm site), the embedding site. -> [N, H] */
function embeddings(batch: EncodedBatch, w: BertWeights["tree"], normSite: NormSite, site: EmbeddingSite, ctx: ForwardContext): tf.Tensor2D {
  const { config, calls } = ctx;
  const { batch: B, length: T } = batch; // batch, tokens
  const H = config.hiddenSize; // hidden
  // tf.gather is slow on wasm (~5 ms per 1024x128 rows), so only the word embeddings use it: BERT's
  // positions 0..T-1 are a slice, and the few token types a one-hot matmul (exact: x * 1 + 0). The
  // one-hot is built on the host: wasm's OneHot kernel writes int bits into float32 outputs (tfjs 4.22).
  const words = tf.gather(w.wordEmbeddings, tf.tensor1d(batch.inputIds, "int32")); // [N, H]
  const positioned =
    config.positionEmbeddingType !== "absolute"
      ? words // the positions enter each layer's attention scores instead (relativePositionScores)
      : config.modelType === "roberta"
        ? tf.add(words, tf.gather(w.positionEmbeddings, tf.tensor1d(robertaPositionIds(batch, config.padTokenId), "int32"))) // [N, H]
        : tf.reshape(tf.add(tf.reshape(words, [B, T, H]), tf.slice(w.positionEmbeddings, [0, 0], [T, H])), [B * T, H]); // [N, H]
  const typeOneHot = tf.tensor2d(oneHot(batch.tokenTypeIds, config.typeVocabSize), [B * T, config.typeVocabSize]); // [N, types]
  const summed = tf.add(positioned, tf.matMul(typeOneHot, w.tokenTypeEmbeddings)) as tf.Tensor2D; // [N, H]
  const y = normAt(normSite, summed, w.embeddingsNorm, ctx); // [N, H]
  const e = calls ? calls.embedding(site, y) : y; // [N, H]
  return ctx.dropout(e, config.hiddenDropoutProb);
}

/** One post-LN transformer layer: x -> LN(x + attn(x)) -> LN(a + ffn(a)). [N, H] -> [N, H] */
function bertLayer(x: tf.Tensor2D, w: BertLayerWeights, sites: LayerSites, ctx: ForwardContext): tf.Tensor2D {
  const { config, calls } = ctx;
  // self-attention
  const q = linearAt(sites.query, x, w.query, calls); // [N, H]
  const k = linearAt(sites.key, x, w.key, calls); // [N, H]
  const v = linearAt(sites.value, x, w.value, calls); // [N, H]
  const prefixes = calls ? calls.attentionPrefixes(sites.attention) : [];
  const dropWeights = (p: tf.Tensor4D): tf.Tensor4D => ctx.dropout(p, config.attentionDropoutProb);
  // Relative position types add a term per query-key distance to the sequence scores (prefix keys get none).
  const relative =
    w.distanceEmbedding && ctx.distanceRows
      ? relativePositionScores(q, k, w.distanceEmbedding, ctx.distanceRows, ctx.dims, config.positionEmbeddingType === "relative_key_query") // [B, nh, T, T]
      : null;
  const scoreBias = relative && ctx.mask ? tf.add(relative, ctx.mask) : (relative ?? ctx.mask); // broadcast to [B, nh, T, T]
  const context = gatedPrefixAttention(q, k, v, scoreBias, ctx.dims, prefixes, dropWeights); // [N, H]
  let h = ctx.dropout(linearAt(sites.attentionOutputDense, context, w.attentionOutput, calls), config.hiddenDropoutProb); // [N, H]
  if (calls) h = calls.residual(sites.attentionOutput, h);
  const a = normAt(sites.attentionNorm, tf.add(h, x) as tf.Tensor2D, w.attentionNorm, ctx); // [N, H]
  // feed-forward
  const act = ctx.act(linearAt(sites.intermediate, a, w.intermediate, calls)); // [N, I]
  const u = calls ? calls.activation(sites.intermediateAct, act) : act; // [N, I]
  let f = ctx.dropout(linearAt(sites.outputDense, u, w.output, calls), config.hiddenDropoutProb); // [N, H]
  if (calls) f = calls.residual(sites.output, f);
  return normAt(sites.outputNorm, tf.add(f, a) as tf.Tensor2D, w.outputNorm, ctx); // [N, H]
}

/** tanh(dense(first token)) or, without a pooler, the first token's hidden state. -> [B, H] */
function pooler(last: tf.Tensor3D, w: LinearWeights | null): tf.Tensor2D {
  const [B, , H] = last.shape; // batch, tokens, hidden
  const first = tf.reshape(tf.slice(last, [0, 0, 0], [B, 1, H]), [B, H]) as tf.Tensor2D; // [B, H]
  return w ? (tf.tanh(linear(first, w)) as tf.Tensor2D) : first;
}

/** y = x W + b: [N, in] -> [N, out] */
function linear(x: tf.Tensor2D, w: LinearWeights): tf.Tensor2D {
  return tf.add(tf.matMul(x, w.kernel as tf.Tensor2D), w.bias) as tf.Tensor2D;
}

function linearAt(site: LinearSite, x: tf.Tensor2D, w: LinearWeights, calls: SiteCalls | undefined): tf.Tensor2D {
  const y = linear(x, w); // [N, dOut]
  return calls ? calls.linear(site, x, y) : y;
}

function normAt(site: NormSite, x: tf.Tensor2D, w: NormWeights, ctx: ForwardContext): tf.Tensor2D {
  const { xhat, y } = layerNorm(x, w.gamma, w.beta, ctx.config.layerNormEps); // [N, d]
  return ctx.calls ? ctx.calls.norm(site, xhat, y) : y;
}

// ---------------------------------------------------------------------------------------------
// Helpers

/** pad + cumsum(non-pad) on tokens, pad on pads (HF create_position_ids_from_input_ids). */
function robertaPositionIds(batch: EncodedBatch, pad: number): Int32Array {
  const { batch: B, length: T, inputIds } = batch;
  const positions = new Int32Array(B * T);
  for (let b = 0; b < B; b++) {
    let seen = 0;
    for (let t = 0; t < T; t++) {
      const i = b * T + t;
      if (inputIds[i] !== pad) seen++;
      positions[i] = inputIds[i] !== pad ? pad + seen : pad;
    }
  }
  return positions;
}

/** ids [N] -> row-major one-hot [N, depth] */
function oneHot(ids: Int32Array, depth: number): Float32Array {
  const out = new Float32Array(ids.length * depth);
  ids.forEach((id, i) => (out[i * depth + id] = 1));
  return out;
}

function checkBatch(batch: EncodedBatch, config: BertConfig): void {
  const { batch: B, length: T } = batch;
  const n = B * T;
  if (!(B > 0 && T > 0)) throw new S3petInputError(`forward: batch ${B} x length ${T} must be positive`);
  for (const key of ["inputIds", "tokenTypeIds", "attentionMask"] as const) {
    if (batch[key].length !== n) {
      throw new S3petInputError(`forward: ${key} has ${batch[key].length} entries, expected batch*length = ${n}`);
    }
  }
  const maxLength = config.modelType === "roberta" ? config.maxPositions - config.padTokenId - 1 : config.maxPositions;
  if (T > maxLength) {
    throw new S3petInputError(`forward: length ${T} exceeds the model's ${maxLength} positions; truncate to ${maxLength}`);
  }
  for (let i = 0; i < n; i++) {
    const id = batch.inputIds[i]!;
    if (id < 0 || id >= config.vocabSize) {
      throw new S3petInputError(`forward: input id ${id} is outside the vocabulary [0, ${config.vocabSize}); check the tokenizer`);
    }
    const type = batch.tokenTypeIds[i]!;
    if (type < 0 || type >= config.typeVocabSize) {
      throw new S3petInputError(`forward: token type ${type} is outside [0, ${config.typeVocabSize}); check the tokenizer`);
    }
  }
}

function makeDropout(seed: number | undefined): Dropout {
  if (seed === undefined) return (x) => x;
  let call = 0;
  return (x, rate) => (rate > 0 ? (tf.dropout(x, rate, undefined, seed + 7919 * call++) as typeof x) : x);
}

function layerSites(config: BertConfig, i: number): LayerSites {
  const H = config.hiddenSize;
  const I = config.intermediateSize;
  const at = (position: string) => ({ name: `encoder.layer.${i}.${position}`, layer: i, position });
  const linearSite = (position: string, dIn: number, dOut: number): LinearSite => ({ kind: "linear", ...at(position), dIn, dOut });
  return {
    query: linearSite("attention.self.query", H, H),
    key: linearSite("attention.self.key", H, H),
    value: linearSite("attention.self.value", H, H),
    attention: { kind: "attention", ...at("attention"), hidden: H, heads: config.numHeads, headDim: H / config.numHeads },
    attentionOutputDense: linearSite("attention.output.dense", H, H),
    attentionOutput: { kind: "residual", ...at("attention.output"), dim: H },
    attentionNorm: { kind: "norm", ...at("attention.output.LayerNorm"), dim: H },
    intermediate: linearSite("intermediate.dense", H, I),
    intermediateAct: { kind: "activation", ...at("intermediate.intermediate_act_fn"), dim: I },
    outputDense: linearSite("output.dense", I, H),
    output: { kind: "residual", ...at("output"), dim: H },
    outputNorm: { kind: "norm", ...at("output.LayerNorm"), dim: H },
  };
}
