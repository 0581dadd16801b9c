// Backbone: what the engine needs from a frozen pretrained encoder. Implemented in @s3pet/models
// (BERT/RoBERTa) and by small synthetic backbones in tests; the core knows no architecture.
// During `forward` the backbone calls `SiteCalls` at each of its sites, so PET modules change the
// computation without the backbone knowing them; with no calls it is the plain pretrained model.
import type * as tf from "@tensorflow/tfjs";
import type { BackboneMemoryProfile } from "../plan/memory-plan.js";
import type { ActivationSite, AttentionSite, EmbeddingSite, LinearSite, NormSite, ResidualSite, Site } from "../plugin/site.js";

/** A tokenised batch as plain typed arrays, row-major [batch, length]. */
export interface EncodedBatch {
  readonly batch: number;
  readonly length: number;
  readonly inputIds: Int32Array;
  readonly tokenTypeIds: Int32Array;
  readonly attentionMask: Int32Array;
}

export interface BackboneOutput {
  /** [B, T, H] */
  readonly lastHiddenState: tf.Tensor3D;
  /** [B, H]: tanh(dense(hidden of the first token)), or the first token's hidden state without a pooler. */
  readonly pooledOutput: tf.Tensor2D;
  /** Output of the embeddings, then of each layer of the input's stack (of an encoder-decoder: the encoder's) [B, T, H]. */
  readonly hiddenStates: readonly tf.Tensor3D[];
}

/** A prefix contributed at an attention site, with its gate (a scalar tensor in [0, 1]). */
export interface GatedPrefix {
  /** [L, hidden] */
  readonly keys: tf.Tensor2D;
  /** [L, hidden] */
  readonly values: tf.Tensor2D;
  /** scalar */
  readonly gate: tf.Scalar;
}

/** Called by the backbone at each site during forward. Token tensors are 2-D: [N = B*T, d]. */
export interface SiteCalls {
  /** After y = x W + b; returns the (possibly modified) y [N, dOut]. */
  linear(site: LinearSite, x: tf.Tensor2D, y: tf.Tensor2D): tf.Tensor2D;
  /** Sublayer output before the residual add; returns h' [N, d]. */
  residual(site: ResidualSite, h: tf.Tensor2D): tf.Tensor2D;
  /** After y = gamma * xhat + beta; returns y' [N, d]. */
  norm(site: NormSite, xhat: tf.Tensor2D, y: tf.Tensor2D): tf.Tensor2D;
  /** After the embeddings (and their LayerNorm); returns e' [N, d]. */
  embedding(site: EmbeddingSite, e: tf.Tensor2D): tf.Tensor2D;
  /** After a feed-forward block's activation, before its output projection; returns u' [N, d]. */
  activation(site: ActivationSite, u: tf.Tensor2D): tf.Tensor2D;
  /** The gated prefixes to prepend at an attention site (empty: plain attention). */
  attentionPrefixes(site: AttentionSite): readonly GatedPrefix[];
}

/** The output of the first `layer` layers (embeddings included), given instead of computing them again. */
export interface HiddenAtLayer {
  /** How many layers `hidden` has been through: forward continues with layer `layer`. */
  readonly layer: number;
  /** [N = B*T, H] */
  readonly hidden: tf.Tensor2D;
}

export interface BackboneForwardOptions {
  /** Start at layer `from.layer` on the given hidden state instead of the embeddings. */
  readonly from?: HiddenAtLayer;
}

export interface Backbone {
  /** Architecture family and size, for run.json and the dashboard header. */
  readonly description: string;
  readonly hiddenSize: number;
  readonly numLayers: number;
  /** Every site, in forward order. */
  sites(): readonly Site[];
  /** Total parameter count, embeddings included (the base of relative budgets). */
  paramCount(): number;
  /**
   * Runs the encoder; `calls` absent means the plain pretrained model. With `options.from`, starts at
   * layer `from.layer` on the given hidden state (no site below it is called; `hiddenStates` then holds
   * the given state and the layers computed). Call inside tf.tidy.
   */
  forward(batch: EncodedBatch, calls?: SiteCalls, options?: BackboneForwardOptions): BackboneOutput;
  /**
   * Optional: the plain pretrained output of the embeddings and layers [0, layers) as [N, H], for
   * `forward(batch, calls, { from: { layer: layers, hidden } })` when no module sits below `layers`.
   * Call inside tf.tidy.
   */
  hiddenAt?(batch: EncodedBatch, layers: number): tf.Tensor2D;
  /** What the memory plan needs to know of the architecture (absent: no plan is made). */
  memoryProfile?(): BackboneMemoryProfile;
  /** The backbone's own weights as trainable variables (full fine-tuning); empty when frozen. */
  trainableWeights(): readonly tf.Variable[];
  dispose(): void;
}

/** A task head on top of the backbone (classifier or regressor), trained alongside the PET modules. */
export interface TaskHead {
  /** Owned variables, disposed by `dispose`; saved in the adapter file under `head.<name>`. */
  readonly weights: Readonly<Record<string, tf.Variable>>;
  /** -> [B, numLabels] logits (classification) or [B, 1] values (regression). */
  apply(out: BackboneOutput): tf.Tensor2D;
  load(weights: Readonly<Record<string, tf.Tensor>>): void;
  dispose(): void;
}

/** Builds a fresh head for a backbone; provided by the backbone's package (e.g. @s3pet/models). */
export type TaskHeadFactory = (numLabels: number, init: { seed: number }) => TaskHead;
