// PetModule: what a PET method creates at one site: the variables it owns and the delta it computes.
// A module computes only its *delta*; the core's GatedSiteCalls alone applies `h + z * delta`, so
// gating is written once (docs/METHOD.md §2). Token tensors are 2-D: N = batch * tokens rows.
// Invariant for every module: a gate z = 0 is an exact no-op, and so is a freshly initialised module.
import type * as tf from "@tensorflow/tfjs";
import type { SiteKind } from "./site.js";

/** At a linear site: y' = y + z * delta(x, y). */
export interface LinearContribution {
  readonly kind: "linear";
  /** x: [N, dIn] site input, y: [N, dOut] frozen output -> delta [N, dOut] or broadcastable [dOut]. */
  delta(x: tf.Tensor2D, y: tf.Tensor2D): tf.Tensor;
}

/** At a residual site: h' = h + z * delta(h), before the residual add and LayerNorm. */
export interface ResidualContribution {
  readonly kind: "residual";
  /** h: [N, d] sublayer output -> delta [N, d]. */
  delta(h: tf.Tensor2D): tf.Tensor;
}

/** At a norm site: y' = y + z * delta(xhat, y), where y = gamma * xhat + beta. */
export interface NormContribution {
  readonly kind: "norm";
  /** xhat: [N, d] normalised input, y: [N, d] frozen output -> delta [N, d] or [d]. */
  delta(xhat: tf.Tensor2D, y: tf.Tensor2D): tf.Tensor;
}

/** At an activation site: u' = u + z * delta(u), before the feed-forward output projection. */
export interface ActivationContribution {
  readonly kind: "activation";
  /** u: [N, d] activated hidden units -> delta [N, d] or [d]. */
  delta(u: tf.Tensor2D): tf.Tensor;
}

/** At the embedding site: e' = e + z * delta(e). */
export interface EmbeddingContribution {
  readonly kind: "embedding";
  /** e: [N, d] embeddings -> delta [N, d] or [d]. */
  delta(e: tf.Tensor2D): tf.Tensor;
}

/**
 * At an attention site: learned key/value prefixes. The backbone prepends them to every sequence's
 * keys and values and scales the prefix entries of the softmax numerator by the gate z
 * (a "gated joint softmax"): z = 1 is standard prefix tuning, z = 0 is exactly the unmodified attention.
 */
export interface AttentionContribution {
  readonly kind: "attention";
  /** keys, values: [L, hidden] (all heads, concatenated as the backbone's key/value projections are);
   *  `mass`, a scalar >= 0 multiplying the gate, lets a module start as an exact no-op (mass 0). */
  prefix(): { keys: tf.Tensor2D; values: tf.Tensor2D; mass?: tf.Scalar };
}

export type SiteContribution =
  | LinearContribution
  | ResidualContribution
  | NormContribution
  | EmbeddingContribution
  | ActivationContribution
  | AttentionContribution;

export type ContributionOfKind<K extends SiteKind> = Extract<SiteContribution, { kind: K }>;

/** Where a training forward happens: train-time randomness is a function of these alone. */
export interface TrainingContext {
  /** The phase's step (1-based, the same after a resume). */
  readonly step: number;
  /** Which forward of the step (a search step runs several: structure, weights, second-order passes).
   *  Passes that must see one function share a number: the second-order search's virtual step and
   *  its w+ and w- passes draw identical masks, so the finite difference sees no dropout noise. */
  readonly pass: number;
  /** The batch's examples (indices into the training split), in row order: a shard holds a slice of
   *  them, so a mask drawn per example is the same whichever worker computes it. */
  readonly examples: readonly number[];
}

export interface PetModule {
  /** Trainable variables, owned by this module and disposed by `dispose`. Names are the keys saved
   *  in adapter_model.safetensors under the candidate's key (e.g. `lora_A`). */
  readonly weights: Readonly<Record<string, tf.Variable>>;
  readonly contribution: SiteContribution;
  /** Tensors to save for inference (defaults to `weights`); a reparameterised module returns its
   *  folded form here, and `create` + `load` of the same method must accept it. */
  exportWeights?(): Record<string, tf.Tensor>;
  /** Overwrite the weights with saved values (shapes checked; error names the weight). */
  load(weights: Readonly<Record<string, tf.Tensor>>): void;
  /** Called when the engine switches between training (true) and evaluation; modules with dropout
   *  use it. A module starts in evaluation mode, so inference and the no-op checks are deterministic.
   *  Before every training forward the engine passes where it is (`TrainingContext`): seed train-time
   *  randomness from it (`exampleDropout` does), and a resumed or data-parallel run draws exactly the
   *  masks the uninterrupted single-process one does. */
  setTraining?(training: boolean, context?: TrainingContext): void;
  dispose(): void;
}
