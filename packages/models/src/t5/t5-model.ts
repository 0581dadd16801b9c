// T5Model: a T5 encoder-decoder (T5 1.0, v1.1, Flan-T5) over plain tfjs ops, implementing core's Backbone.
// One function per block, read top-down: shared embeddings -> encoder blocks (self-attention, feed-forward)
// -> final norm; decoder blocks (causal self-attention, cross-attention, feed-forward) -> final norm
// -> LM head. Blocks are pre-norm: x + sublayer(rmsNorm(x)). Attention has no 1/sqrt(d) scaling and a
// relative position bias computed once per stack from block 0's table. Token tensors stay 2-D
// ([N = B*T, d]), as in bert-model.ts, so every projection is one 2-D matmul.
//
// As a Backbone, `forward` runs the encoder and one decoder step on the start token (pad): its output
// `pooledOutput` [B, dModel] times the LM head gives the logits of the first generated token, which is
// what text-to-text classification scores (docs/ARCHITECTURE.md "T5"). Every site of both stacks is
// called there. `logits` runs the decoder on given decoder inputs (teacher forcing). An encoder-only
// checkpoint (T5EncoderModel) has no decoder: its pooledOutput is the mean of the encoder's last hidden
// states over the unpadded tokens, for a classification head.
import * as tf from "@tensorflow/tfjs";
import { S3petInputError } from "@s3pet/core";
import type { ActivationSite, AttentionSite, Backbone, BackboneOutput, EmbeddingSite, EncodedBatch, LinearSite, NormSite, ResidualSite, Site, SiteCalls } from "@s3pet/core";
import { activation } from "../bert/activation.js";
import { additiveMask, gatedPrefixAttention, MASKED_SCORE } from "../bert/gated-prefix-attention.js";
import { relativePositionBias } from "./relative-position-bias.js";
import { rmsNorm } from "./rms-norm.js";
import { t5InnerDim, type T5Config } from "./t5-config.js";
import type { T5AttentionWeights, T5BlockWeights, T5FeedForwardWeights, T5Weights, T5TensorSpec } from "./t5-weights.js";

interface AttentionSites {
  readonly norm: NormSite;
  readonly q: LinearSite;
  readonly k: LinearSite;
  readonly v: LinearSite;
  /** Self-attention only: where prefixes attach. */
  readonly attention: AttentionSite | null;
  readonly o: LinearSite;
  readonly residual: ResidualSite;
}

interface FeedForwardSites {
  readonly norm: NormSite;
  /** relu: [wi]; gated-gelu: [wi_0, wi_1] */
  readonly wi: readonly LinearSite[];
  readonly act: ActivationSite;
  readonly wo: LinearSite;
  readonly residual: ResidualSite;
}

/** The sites of one block, in forward order. */
interface BlockSites {
  readonly self: AttentionSites;
  readonly cross: AttentionSites | null;
  readonly ffn: FeedForwardSites;
}

interface StackSites {
  readonly blocks: readonly BlockSites[];
  readonly finalNorm: NormSite;
}

/** What every block of a stack needs besides its weights. */
interface StackContext {
  readonly config: T5Config;
  readonly batch: number;
  /** query tokens per sequence */
  readonly length: number;
  /** [B|1, heads, T, T]: position bias plus padding (encoder) or causal (decoder) mask */
  readonly selfBias: tf.Tensor4D;
  /** Decoder only: the encoder output [B*Te, dModel], its token count and padding mask [B, 1, 1, Te]. */
  readonly encoder: { readonly hidden: tf.Tensor2D; readonly length: number; readonly mask: tf.Tensor4D | null } | null;
  readonly calls: SiteCalls | undefined;
}

export class T5Model implements Backbone {
  readonly description: string;
  /** dModel */
  readonly hiddenSize: number;
  /** Encoder blocks, then decoder blocks (none when encoder-only): a decoder block's sites have layer numLayers(encoder) + i. */
  readonly numLayers: number;
  private readonly embeddingSite: EmbeddingSite;
  private readonly encoderSites: StackSites;
  private readonly decoderSites: StackSites;
  private readonly act: <T extends tf.Tensor>(x: T) => T;
  private disposed = false;

  /** Takes ownership of `weights` (built by `buildT5Weights`). The weights stay frozen. */
  constructor(
    readonly config: T5Config,
    private readonly weights: T5Weights,
  ) {
    this.hiddenSize = config.dModel;
    this.numLayers = config.numLayers + (config.encoderOnly ? 0 : config.numDecoderLayers);
    this.description = t5Description(config);
    this.act = activation(config.feedForwardProj === "gated-gelu" ? "gelu_new" : "relu");
    this.embeddingSite = t5EmbeddingSite(config);
    this.encoderSites = stackSites(config, "encoder");
    this.decoderSites = stackSites(config, "decoder");
  }

  /** Every site in forward order: embeddings, encoder blocks, encoder final norm, decoder blocks, decoder final norm. */
  sites(): readonly Site[] {
    return t5Sites(this.config);
  }

  paramCount(): number {
    return this.weights.entries.reduce((n, { tensor }) => n + tensor.size, 0);
  }

  /** Every weight with its HF name and layout (kernels stored [in, out]). */
  namedWeights(): readonly { readonly spec: T5TensorSpec; readonly tensor: tf.Tensor }[] {
    return this.weights.entries;
  }

  trainableWeights(): readonly tf.Variable[] {
    return [];
  }

  /**
   * The encoder (lastHiddenState, hiddenStates: the embeddings and each encoder block, the last after the
   * final norm, as in transformers) and one decoder step on the start token (pooledOutput [B, dModel],
   * already scaled by dModel^-0.5 when the LM head is tied; encoder-only: the masked mean of the
   * encoder's last hidden states). Call inside tf.tidy.
   */
  forward(batch: EncodedBatch, calls?: SiteCalls): BackboneOutput {
    const encoder = this.encode(batch, calls);
    const start = new Int32Array(batch.batch).fill(this.config.decoderStartTokenId);
    const { batch: B, length: T } = batch;
    const pooledOutput = this.config.encoderOnly ? maskedMean(encoder.hidden2d, batch) : this.decode(encoder.hidden2d, batch, start, 1, calls); // [B, D]
    const hiddenStates = encoder.states.map((h) => tf.reshape(h, [B, T, this.hiddenSize]) as tf.Tensor3D); // each [B, T, D]
    return { lastHiddenState: hiddenStates[hiddenStates.length - 1]!, pooledOutput, hiddenStates };
  }

  /** Teacher-forced LM logits for decoder inputs [B * Td] (row-major): [B, Td, V]. Call inside tf.tidy. */
  logits(batch: EncodedBatch, decoderInputIds: Int32Array, decoderLength: number, calls?: SiteCalls): tf.Tensor3D {
    if (decoderInputIds.length !== batch.batch * decoderLength) {
      throw new S3petInputError(`T5Model.logits: decoderInputIds has ${decoderInputIds.length} entries, expected batch*decoderLength = ${batch.batch * decoderLength}`);
    }
    if (this.config.encoderOnly) throw new S3petInputError("T5Model.logits: an encoder-only (T5EncoderModel) checkpoint has no decoder; load a T5ForConditionalGeneration checkpoint");
    const encoder = this.encode(batch, calls);
    const h = this.decode(encoder.hidden2d, batch, decoderInputIds, decoderLength, calls); // [B*Td, D]
    return tf.reshape(this.lmHead(h), [batch.batch, decoderLength, this.config.vocabSize]); // [B, Td, V]
  }

  /** Decoder output [M, dModel] -> logits [M, V] (tied: the shared embeddings; the rescale is in the decoder output). */
  lmHead(h: tf.Tensor2D): tf.Tensor2D {
    const { shared, lmHead } = this.weights.tree;
    return lmHead ? tf.matMul(h, lmHead as tf.Tensor2D) : tf.matMul(h, shared as tf.Tensor2D, false, true); // [M, V]
  }

  /** The LM head's rows of the given tokens as a [dModel, k] kernel: pooledOutput times it gives their logits. */
  labelTokenColumns(tokenIds: readonly number[]): tf.Tensor2D {
    if (this.config.encoderOnly) throw new S3petInputError("T5Model.labelTokenColumns: an encoder-only checkpoint has no LM head; use a classification head");
    const { shared, lmHead } = this.weights.tree;
    const ids = tf.tensor1d(Int32Array.from(tokenIds), "int32");
    return (lmHead ? tf.gather(lmHead, ids, 1) : tf.transpose(tf.gather(shared, ids))) as tf.Tensor2D; // [D, k]
  }

  /** Embeddings and encoder blocks: every state [N, D] (the last after the final norm) and that last one. */
  private encode(batch: EncodedBatch, calls: SiteCalls | undefined): { states: tf.Tensor2D[]; hidden2d: tf.Tensor2D } {
    this.check(batch.inputIds, batch.batch, batch.length, "inputIds");
    const { batch: B, length: T } = batch;
    const tree = this.weights.tree;
    const mask = additiveMask(batch.attentionMask, B, T); // [B, 1, 1, T] or null
    const bias = relativePositionBias(tree.encoder.relativeBias, T, T, true, this.config.relativeAttentionMaxDistance); // [1, h, T, T]
    const ctx: StackContext = { config: this.config, batch: B, length: T, selfBias: mask ? tf.add(bias, mask) : bias, encoder: null, calls };
    const words = tf.gather(tree.shared, tf.tensor1d(batch.inputIds, "int32")) as tf.Tensor2D; // [N, D]
    let x = calls ? calls.embedding(this.embeddingSite, words) : words; // [N, D]
    const states = [x];
    for (let i = 0; i < this.config.numLayers; i++) {
      const input = x;
      x = tf.tidy(() => t5Block(input, tree.encoder.blocks[i]!, this.encoderSites.blocks[i]!, ctx, this.act)); // [N, D]
      states.push(x);
    }
    const last = normAt(this.encoderSites.finalNorm, x, tree.encoder.finalNorm, ctx); // [N, D]
    states[states.length - 1] = last;
    return { states, hidden2d: last };
  }

  /** Decoder blocks on ids [B * Td] over the encoder output: [B*Td, D] after the final norm (and the tied rescale). */
  private decode(encoderHidden: tf.Tensor2D, batch: EncodedBatch, ids: Int32Array, Td: number, calls: SiteCalls | undefined): tf.Tensor2D {
    this.check(ids, batch.batch, Td, "decoderInputIds");
    const { batch: B, length: T } = batch;
    const tree = this.weights.tree;
    const decoder = tree.decoder!; // callers check encoderOnly
    const bias = relativePositionBias(decoder.relativeBias, Td, Td, false, this.config.relativeAttentionMaxDistance); // [1, h, Td, Td]
    const ctx: StackContext = {
      config: this.config,
      batch: B,
      length: Td,
      selfBias: tf.add(bias, causalMask(Td)), // [1, h, Td, Td]
      encoder: { hidden: encoderHidden, length: T, mask: additiveMask(batch.attentionMask, B, T) },
      calls,
    };
    let y = tf.gather(tree.shared, tf.tensor1d(ids, "int32")) as tf.Tensor2D; // [B*Td, D]
    for (let i = 0; i < this.config.numDecoderLayers; i++) {
      const input = y;
      y = tf.tidy(() => t5Block(input, decoder.blocks[i]!, this.decoderSites.blocks[i]!, ctx, this.act)); // [B*Td, D]
    }
    const out = normAt(this.decoderSites.finalNorm, y, decoder.finalNorm, ctx); // [B*Td, D]
    // Tied head: transformers scales the decoder output by dModel^-0.5 before the shared embeddings.
    return this.config.tieWordEmbeddings ? (tf.mul(out, this.config.dModel ** -0.5) as tf.Tensor2D) : out;
  }

  private check(ids: Int32Array, B: number, T: number, what: string): void {
    if (this.disposed) throw new S3petInputError("T5Model.forward: the model was disposed; load it again");
    if (!(B > 0 && T > 0)) throw new S3petInputError(`T5Model.forward: batch ${B} x length ${T} must be positive`);
    if (ids.length !== B * T) throw new S3petInputError(`T5Model.forward: ${what} has ${ids.length} entries, expected ${B * T}`);
    for (const id of ids) {
      if (id < 0 || id >= this.config.vocabSize) {
        throw new S3petInputError(`T5Model.forward: ${what} id ${id} is outside the vocabulary [0, ${this.config.vocabSize}); check the tokenizer`);
      }
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const { tensor } of this.weights.entries) tensor.dispose();
  }
}

// ---------------------------------------------------------------------------------------------
// Blocks

/** One pre-norm block: self-attention, (decoder) cross-attention, feed-forward, each added to x. [N, D] -> [N, D] */
function t5Block(x: tf.Tensor2D, w: T5BlockWeights, sites: BlockSites, ctx: StackContext, act: <T extends tf.Tensor>(x: T) => T): tf.Tensor2D {
  let h = tf.add(x, selfAttention(x, w.selfNorm, w.selfAttention, sites.self, ctx)) as tf.Tensor2D; // [N, D]
  if (sites.cross && w.crossAttention && w.crossNorm && ctx.encoder) {
    h = tf.add(h, crossAttention(h, w.crossNorm, w.crossAttention, sites.cross, ctx)) as tf.Tensor2D; // [N, D]
  }
  return tf.add(h, feedForward(h, w.ffnNorm, w.ffn, sites.ffn, ctx, act)) as tf.Tensor2D; // [N, D]
}

/** o(attention(q, k, v of norm(x))) with the stack's position bias and mask; prefixes attach here. -> [N, D] */
function selfAttention(x: tf.Tensor2D, normWeight: tf.Tensor, w: T5AttentionWeights, sites: AttentionSites, ctx: StackContext): tf.Tensor2D {
  const n = normAt(sites.norm, x, normWeight, ctx); // [N, D]
  const q = linearAt(sites.q, n, w.q, ctx.calls); // [N, inner]
  const k = linearAt(sites.k, n, w.k, ctx.calls); // [N, inner]
  const v = linearAt(sites.v, n, w.v, ctx.calls); // [N, inner]
  const prefixes = ctx.calls && sites.attention ? ctx.calls.attentionPrefixes(sites.attention) : [];
  const dims = { batch: ctx.batch, length: ctx.length, heads: ctx.config.numHeads, scale: 1 };
  const context = gatedPrefixAttention(q, k, v, ctx.selfBias, dims, prefixes); // [N, inner]
  return residualAt(sites.residual, linearAt(sites.o, context, w.o, ctx.calls), ctx.calls); // [N, D]
}

/** Queries from norm(x), keys and values from the encoder output; no position bias. -> [N, D] */
function crossAttention(x: tf.Tensor2D, normWeight: tf.Tensor, w: T5AttentionWeights, sites: AttentionSites, ctx: StackContext): tf.Tensor2D {
  const encoder = ctx.encoder!;
  const n = normAt(sites.norm, x, normWeight, ctx); // [N, D]
  const q = linearAt(sites.q, n, w.q, ctx.calls); // [N, inner]
  const k = linearAt(sites.k, encoder.hidden, w.k, ctx.calls); // [B*Te, inner]
  const v = linearAt(sites.v, encoder.hidden, w.v, ctx.calls); // [B*Te, inner]
  const dims = { batch: ctx.batch, length: ctx.length, heads: ctx.config.numHeads, keyLength: encoder.length, scale: 1 };
  const context = gatedPrefixAttention(q, k, v, encoder.mask, dims, []); // [N, inner]
  return residualAt(sites.residual, linearAt(sites.o, context, w.o, ctx.calls), ctx.calls); // [N, D]
}

/** wo(act(wi n)) (T5 1.0) or wo(gelu_new(wi_0 n) * wi_1 n) (v1.1), n = norm(x). -> [N, D] */
function feedForward(x: tf.Tensor2D, normWeight: tf.Tensor, w: T5FeedForwardWeights, sites: FeedForwardSites, ctx: StackContext, act: <T extends tf.Tensor>(x: T) => T): tf.Tensor2D {
  const n = normAt(sites.norm, x, normWeight, ctx); // [N, D]
  const u = w.wi
    ? act(linearAt(sites.wi[0]!, n, w.wi, ctx.calls)) // [N, F]
    : (tf.mul(act(linearAt(sites.wi[0]!, n, w.wi0!, ctx.calls)), linearAt(sites.wi[1]!, n, w.wi1!, ctx.calls)) as tf.Tensor2D); // [N, F]
  const a = ctx.calls ? ctx.calls.activation(sites.act, u) : u; // [N, F]
  return residualAt(sites.residual, linearAt(sites.wo, a, w.wo, ctx.calls), ctx.calls); // [N, D]
}

function linearAt(site: LinearSite, x: tf.Tensor2D, kernel: tf.Tensor, calls: SiteCalls | undefined): tf.Tensor2D {
  const y = tf.matMul(x, kernel as tf.Tensor2D) as tf.Tensor2D; // [N, dOut]: T5 has no biases
  return calls ? calls.linear(site, x, y) : y;
}

function normAt(site: NormSite, x: tf.Tensor2D, weight: tf.Tensor, ctx: StackContext): tf.Tensor2D {
  const { xhat, y } = rmsNorm(x, weight, ctx.config.layerNormEps); // [N, D]
  return ctx.calls ? ctx.calls.norm(site, xhat, y) : y;
}

function residualAt(site: ResidualSite, h: tf.Tensor2D, calls: SiteCalls | undefined): tf.Tensor2D {
  return calls ? calls.residual(site, h) : h;
}

/** Mean over each sequence's unpadded tokens: hidden [B*T, D] -> [B, D] */
function maskedMean(hidden: tf.Tensor2D, batch: EncodedBatch): tf.Tensor2D {
  const { batch: B, length: T, attentionMask } = batch;
  const weights = new Float32Array(B * T);
  for (let b = 0; b < B; b++) {
    let n = 0;
    for (let t = 0; t < T; t++) n += attentionMask[b * T + t] ? 1 : 0;
    for (let t = 0; t < T; t++) weights[b * T + t] = attentionMask[b * T + t] ? 1 / Math.max(n, 1) : 0;
  }
  const w = tf.tensor3d(weights, [B, 1, T]); // [B, 1, T]
  return tf.reshape(tf.matMul(w, tf.reshape(hidden, [B, T, hidden.shape[1]])), [B, hidden.shape[1]]); // [B, D]
}

/** [1, 1, T, T]: 0 on and below the diagonal, MASKED_SCORE above (a query sees no later key). */
function causalMask(T: number): tf.Tensor4D {
  const values = new Float32Array(T * T);
  for (let i = 0; i < T; i++) for (let j = i + 1; j < T; j++) values[i * T + j] = MASKED_SCORE;
  return tf.tensor4d(values, [1, 1, T, T]);
}

// ---------------------------------------------------------------------------------------------
// Description and sites (from the config alone, so `inspect` needs no weights)

/** e.g. `t5 24+24x1024 (16 heads x 64, ffn 4096 relu, vocab 32128, tied)` */
export function t5Description(config: T5Config): string {
  const head = config.encoderOnly ? "encoder only" : config.tieWordEmbeddings ? "tied" : "untied";
  const stacks = config.encoderOnly ? `${config.numLayers}` : `${config.numLayers}+${config.numDecoderLayers}`;
  return `t5 ${stacks}x${config.dModel} (${config.numHeads} heads x ${config.dKv}, ffn ${config.dFf} ${config.feedForwardProj}, vocab ${config.vocabSize}, ${head})`;
}

function t5EmbeddingSite(config: T5Config): EmbeddingSite {
  return { kind: "embedding", name: "encoder.embed_tokens", layer: null, position: "encoder.embed_tokens", dim: config.dModel, vocabSize: config.vocabSize };
}

/** Every site of a T5 with this config, in forward order. */
export function t5Sites(config: T5Config): readonly Site[] {
  const flat = (stack: StackSites) => [...stack.blocks.flatMap(blockSiteList), stack.finalNorm];
  const decoder = config.encoderOnly ? [] : flat(stackSites(config, "decoder"));
  return [t5EmbeddingSite(config), ...flat(stackSites(config, "encoder")), ...decoder];
}

function blockSiteList(b: BlockSites): Site[] {
  const attention = (a: AttentionSites): Site[] => [a.norm, a.q, a.k, a.v, ...(a.attention ? [a.attention] : []), a.o, a.residual];
  return [...attention(b.self), ...(b.cross ? attention(b.cross) : []), b.ffn.norm, ...b.ffn.wi, b.ffn.act, b.ffn.wo, b.ffn.residual];
}

function stackSites(config: T5Config, stack: "encoder" | "decoder"): StackSites {
  const D = config.dModel;
  const inner = t5InnerDim(config);
  const decoder = stack === "decoder";
  const count = decoder ? config.numDecoderLayers : config.numLayers;
  const blocks = Array.from({ length: count }, (_, i): BlockSites => {
    const layer = decoder ? config.numLayers + i : i;
    const at = (position: string) => ({ name: `${stack}.block.${i}.${position}`, layer, position });
    const linear = (position: string, dIn: number, dOut: number): LinearSite => ({ kind: "linear", ...at(position), dIn, dOut });
    const attention = (j: number, module: "SelfAttention" | "EncDecAttention"): AttentionSites => {
      const p = `layer.${j}.${module}`;
      return {
        norm: { kind: "norm", ...at(`layer.${j}.layer_norm`), dim: D },
        q: linear(`${p}.q`, D, inner),
        k: linear(`${p}.k`, D, inner),
        v: linear(`${p}.v`, D, inner),
        attention: module === "SelfAttention" ? { kind: "attention", ...at(p), hidden: inner, heads: config.numHeads, headDim: config.dKv } : null,
        o: linear(`${p}.o`, inner, D),
        // transformers' `layer.j.dropout` is applied to the sublayer output right before the residual add
        residual: { kind: "residual", ...at(`layer.${j}.dropout`), dim: D },
      };
    };
    const f = decoder ? 2 : 1;
    const ffn = `layer.${f}.DenseReluDense`;
    const gated = config.feedForwardProj === "gated-gelu";
    return {
      self: attention(0, "SelfAttention"),
      cross: decoder ? attention(1, "EncDecAttention") : null,
      ffn: {
        norm: { kind: "norm", ...at(`layer.${f}.layer_norm`), dim: D },
        wi: gated ? [linear(`${ffn}.wi_0`, D, config.dFf), linear(`${ffn}.wi_1`, D, config.dFf)] : [linear(`${ffn}.wi`, D, config.dFf)],
        act: { kind: "activation", ...at(`${ffn}.act`), dim: config.dFf },
        wo: linear(`${ffn}.wo`, config.dFf, D),
        residual: { kind: "residual", ...at(`layer.${f}.dropout`), dim: D },
      },
    };
  });
  return { blocks, finalNorm: { kind: "norm", name: `${stack}.final_layer_norm`, layer: null, position: `${stack}.final_layer_norm`, dim: D } };
}

