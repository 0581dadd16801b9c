// Multi-head scaled dot-product attention with gated key/value prefixes (COMMON "Prefix gating").
// Per head: s_seq = c q k_seq^T + mask, s_pre = c q k_pre^T, m = max(s_seq) over the
// *sequence* keys only, w_seq = exp(s_seq - m) / D, w_pre = z exp(s_pre - m) / D,
// D = sum exp(s_seq - m) + z sum exp(s_pre - m), out = w_seq v_seq + w_pre v_pre.
// Without prefixes the same exp(s - m) / sum is computed the same way, so z = 0 adds exact zeros and
// reproduces the plain attention to the bit (the SGS search relies on gate 0 being a no-op).
// c is 1/sqrt(d) (BERT) or 1 (T5, whose `mask` also carries the relative position bias; prefixes get none).
import * as tf from "@tensorflow/tfjs";
import type { GatedPrefix } from "@s3pet/core";

/** Added to the scores of padded keys; exp(-1e9 - m) is exactly 0 in float32. */
export const MASKED_SCORE = -1e9;

export interface AttentionDims {
  /** batch */
  readonly batch: number;
  /** tokens per sequence (of the queries) */
  readonly length: number;
  readonly heads: number;
  /** Tokens per sequence of the keys and values (cross-attention). @default length */
  readonly keyLength?: number;
  /** Factor on the scores (T5 folds it into the query weights: 1). @default 1 / sqrt(head dim) */
  readonly scale?: number;
}

/**
 * q: [N = B*T, H], k, v: [B*Tk, H] projections; mask: additive (0 or MASKED_SCORE, or a position bias),
 * broadcastable to [B, nh, T, Tk] (BERT: [B, 1, 1, T]), null without padding;
 * `dropWeights` applies attention-probability dropout in training (identity otherwise). -> [N, H]
 */
export function gatedPrefixAttention(
  q: tf.Tensor2D,
  k: tf.Tensor2D,
  v: tf.Tensor2D,
  mask: tf.Tensor | null,
  dims: AttentionDims,
  prefixes: readonly GatedPrefix[],
  dropWeights: (w: tf.Tensor4D) => tf.Tensor4D = (w) => w,
): tf.Tensor2D {
  const { batch: B, length: T, heads: nh } = dims; // batch, tokens, heads
  const Tk = dims.keyLength ?? T; // key tokens
  const H = q.shape[1]; // hidden
  const dh = H / nh; // head dim
  const scale = dims.scale ?? 1 / Math.sqrt(dh);
  // Heads are split once per layer; k goes straight to [.., dh, T] so the score matmul needs no transpose.
  // q is scaled by c before the matmul: the same scores, with half the elementwise work.
  const qScaled = scale === 1 ? q : tf.mul(q, scale); // [N, H]
  const qh = tf.transpose(tf.reshape(qScaled, [B, T, nh, dh]), [0, 2, 1, 3]) as tf.Tensor4D; // [B, nh, T, dh]
  const kT = tf.transpose(tf.reshape(k, [B, Tk, nh, dh]), [0, 2, 3, 1]) as tf.Tensor4D; // [B, nh, dh, Tk]
  const vh = tf.transpose(tf.reshape(v, [B, Tk, nh, dh]), [0, 2, 1, 3]) as tf.Tensor4D; // [B, nh, Tk, dh]

  const scores = tf.matMul(qh, kT) as tf.Tensor4D; // [B, nh, T, Tk]
  const sSeq = mask ? (tf.add(scores, mask) as tf.Tensor4D) : scores; // [B, nh, T, Tk]
  const m = rowMaxConstant(sSeq); // [B, nh, T, 1]
  const eSeq = tf.exp(tf.sub(sSeq, m)) as tf.Tensor4D; // [B, nh, T, Tk]
  let denominator = tf.sum(eSeq, -1, true); // [B, nh, T, 1]

  const prefixTerms: { e: tf.Tensor4D; v: tf.Tensor4D }[] = [];
  for (const prefix of prefixes) {
    const L = prefix.keys.shape[0]; // prefix length
    // Prefix keys/values are shared by the batch; broadcastTo keeps the matmul batches equal (fast on wasm).
    const kpT = tf.broadcastTo(tf.transpose(tf.reshape(prefix.keys, [L, nh, dh]), [1, 2, 0]), [B, nh, dh, L]); // [B, nh, dh, L]
    const vp = tf.broadcastTo(tf.transpose(tf.reshape(prefix.values, [L, nh, dh]), [1, 0, 2]), [B, nh, L, dh]); // [B, nh, L, dh]
    const sPre = tf.matMul(qh, kpT); // [B, nh, T, L]
    const ePre = tf.mul(prefix.gate, tf.exp(tf.sub(sPre, m))) as tf.Tensor4D; // [B, nh, T, L]
    denominator = tf.add(denominator, tf.sum(ePre, -1, true)); // [B, nh, T, 1]
    prefixTerms.push({ e: ePre, v: vp as tf.Tensor4D });
  }

  let out = tf.matMul(dropWeights(tf.div(eSeq, denominator) as tf.Tensor4D), vh); // [B, nh, T, dh]
  for (const term of prefixTerms) {
    out = tf.add(out, tf.matMul(dropWeights(tf.div(term.e, denominator) as tf.Tensor4D), term.v)); // [B, nh, T, dh]
  }
  return tf.reshape(tf.transpose(out, [0, 2, 1, 3]), [B * T, H]); // [N, H]
}

/**
 * max over the last axis, treated as a constant by autodiff: the weights do not depend on m (it
 * cancels between numerator and D), so its true gradient is 0, and tfjs's Max gradient (an Equal
 * mask over [B, nh, T, T], ~20 ms per layer on wasm) would only add rounding noise and time.
 */
const rowMaxConstant = tf.customGrad((...inputs: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const s = inputs[0] as tf.Tensor4D; // [B, nh, T, T]
  return { value: tf.max(s, -1, true) as tf.Tensor4D, gradFunc: () => tf.zerosLike(s) };
}) as (s: tf.Tensor4D) => tf.Tensor4D;

/** attentionMask [B*T] of 0/1 -> additive [B, 1, 1, T], or null when nothing is masked. */
export function additiveMask(attentionMask: Int32Array, batch: number, length: number): tf.Tensor4D | null {
  if (attentionMask.every((m) => m !== 0)) return null;
  const values = new Float32Array(batch * length);
  for (let i = 0; i < values.length; i++) values[i] = attentionMask[i] ? 0 : MASKED_SCORE;
  return tf.tensor4d(values, [batch, 1, 1, length]);
}
