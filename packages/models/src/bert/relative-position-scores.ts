// The attention-score term of BERT's relative position types (HF BertSelfAttention with
// position_embedding_type relative_key / relative_key_query). With E the layer's distance embedding
// [2P - 1, dh] and e(l, r) = E[l - r + P - 1] for query position l and key position r:
//   relative_key:        s[b, h, l, r] = q[b, h, l] . e(l, r)
//   relative_key_query:  s[b, h, l, r] = q[b, h, l] . e(l, r) + k[b, h, r] . e(l, r)
// divided by sqrt(dh) like the content scores. HF gathers e into a [T, T, dh] tensor; here each side
// is one matmul against the 2T - 1 distance rows the batch can use, then each row is shifted so that
// column r lands on distance l - r (the "skew" of Huang et al. 2018, Music Transformer): a pad, two
// reshapes and two slices instead of a [T, T, dh] gather and its scatter-add gradient.
import * as tf from "@tensorflow/tfjs";

export interface RelativeScoreDims {
  /** batch */
  readonly batch: number;
  /** tokens per sequence */
  readonly length: number;
  readonly heads: number;
}

/**
 * q, k: [N = B*T, H] (after their sites); table: [2P - 1, dh]. -> [B, nh, T, T], to add to the scores
 * (the scores of padded keys are masked after it). Call inside tf.tidy.
 */
export function relativePositionScores(
  q: tf.Tensor2D,
  k: tf.Tensor2D,
  table: tf.Tensor,
  dims: RelativeScoreDims,
  withKey: boolean,
): tf.Tensor4D {
  const { batch: B, length: T, heads: nh } = dims; // batch, tokens, heads
  const H = q.shape[1]; // hidden
  const dh = H / nh; // head dim
  const P = (table.shape[0] + 1) / 2; // positions
  // rows[m] = E[m + P - T] for m in [0, 2T - 2], i.e. distance l - r = m - (T - 1)
  const rows = tf.slice(table, [P - T, 0], [2 * T - 1, dh]) as tf.Tensor2D; // [2T-1, dh]
  const heads = (x: tf.Tensor2D) => tf.reshape(tf.transpose(tf.reshape(x, [B, T, nh, dh]), [0, 2, 1, 3]), [B * nh * T, dh]) as tf.Tensor2D; // [B*nh*T, dh]
  // Query side: against the rows in reverse order, row l of the product holds distance l - r at column T - 1 - l + r.
  const byQuery = tf.matMul(heads(q), tf.reverse(rows, 0), false, true); // [B*nh*T, 2T-1]
  let scores = skew(tf.reshape(byQuery, [B * nh, T, 2 * T - 1]) as tf.Tensor3D); // [B*nh, T(l), T(r)]
  if (withKey) {
    // Key side: row r of the product holds distance l - r at column T - 1 - r + l, so the skew gives [r, l].
    const byKey = tf.matMul(heads(k), rows, false, true); // [B*nh*T, 2T-1]
    scores = tf.add(scores, tf.transpose(skew(tf.reshape(byKey, [B * nh, T, 2 * T - 1]) as tf.Tensor3D), [0, 2, 1])) as tf.Tensor3D; // [B*nh, T, T]
  }
  return tf.reshape(tf.mul(scores, 1 / Math.sqrt(dh)), [B, nh, T, T]) as tf.Tensor4D;
}

/** out[x, i, j] = s[x, i, T - 1 - i + j]: [X, T, 2T - 1] -> [X, T, T] */
function skew(s: tf.Tensor3D): tf.Tensor3D {
  const [X, T, W] = s.shape; // W = 2T - 1
  // Padded to rows of 2T and laid end to end, element (i, T - 1 - i + j) sits at (T - 1) + i (2T - 1) + j.
  const flat = tf.reshape(tf.pad(s, [[0, 0], [0, 0], [0, 1]]), [X, T * (W + 1)]); // [X, 2T^2]
  const shifted = tf.reshape(tf.slice(flat, [0, T - 1], [X, T * W]), [X, T, W]); // [X, T, 2T-1]
  return tf.slice(shifted, [0, 0, 0], [X, T, T]) as tf.Tensor3D;
}
