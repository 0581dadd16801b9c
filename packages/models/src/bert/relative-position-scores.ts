// The attention-score term of BERT's relative position types (HF BertSelfAttention with
// position_embedding_type relative_key / relative_key_query). With E the layer's distance embedding
// [2P - 1, dh] and e(l, r) = E[l - r + P - 1] for query position l and key position r:
//   relative_key:        s[b, h, l, r] = q[b, h, l] . e(l, r)
//   relative_key_query:  s[b, h, l, r] = q[b, h, l] . e(l, r) + k[b, h, r] . e(l, r)
// divided by sqrt(dh) like the content scores. As in HF, e is gathered once per layer into [T, T, dh]
// (shared by the batch and the heads) by rows that depend only on T and P (`distanceRows`, built once
// per forward); each side is then one batched matmul over the T positions, with exactly the T x T
// products the scores use.
import * as tf from "@tensorflow/tfjs";

export interface RelativeScoreDims {
  /** batch */
  readonly batch: number;
  /** tokens per sequence */
  readonly length: number;
  readonly heads: number;
}

/**
 * q, k: [N = B*T, H] (after their sites); table: [2P - 1, dh]; rows: `distanceRows(T, P)`.
 * -> [B, nh, T, T], to add to the scores (the scores of padded keys are masked after it). Call inside tf.tidy.
 */
export function relativePositionScores(
  q: tf.Tensor2D,
  k: tf.Tensor2D,
  table: tf.Tensor,
  rows: tf.Tensor1D,
  dims: RelativeScoreDims,
  withKey: boolean,
): tf.Tensor4D {
  const { batch: B, length: T, heads: nh } = dims; // batch, tokens, heads
  const H = q.shape[1]; // hidden
  const dh = H / nh; // head dim
  const e = tf.reshape(tf.gather(table, rows), [T, T, dh]) as tf.Tensor3D; // [T(l), T(r), dh]
  // Positions first, so each position's rows of every sequence and head meet its T distance rows in one matmul.
  const byPosition = (x: tf.Tensor2D) => tf.transpose(tf.reshape(x, [B, T, nh, dh]), [1, 0, 2, 3]).reshape([T, B * nh, dh]) as tf.Tensor3D; // [T, B*nh, dh]
  const byQuery = tf.matMul(byPosition(q), e, false, true); // [T(l), B*nh, T(r)]
  let scores = tf.transpose(byQuery, [1, 0, 2]) as tf.Tensor3D; // [B*nh, T(l), T(r)]
  if (withKey) {
    const byKey = tf.matMul(byPosition(k), tf.transpose(e, [1, 0, 2]), false, true); // [T(r), B*nh, T(l)]
    scores = tf.add(scores, tf.transpose(byKey, [1, 2, 0])) as tf.Tensor3D; // [B*nh, T(l), T(r)]
  }
  return tf.reshape(tf.mul(scores, 1 / Math.sqrt(dh)), [B, nh, T, T]) as tf.Tensor4D;
}

/** [T * T]: the distance table's row for each (l, r), l - r + P - 1, row-major. */
export function distanceRows(T: number, P: number): tf.Tensor1D {
  const rows = new Int32Array(T * T);
  for (let l = 0; l < T; l++) for (let r = 0; r < T; r++) rows[l * T + r] = l - r + P - 1;
  return tf.tensor1d(rows, "int32");
}
