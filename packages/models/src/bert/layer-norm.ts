// LayerNorm over the last axis, returning the normalised input too: norm sites (LNFit) see xhat.
import * as tf from "@tensorflow/tfjs";

/** x: [N, d] -> xhat = (x - mean) / sqrt(var + eps), y = gamma * xhat + beta, both [N, d]. */
export function layerNorm(
  x: tf.Tensor2D,
  gamma: tf.Tensor,
  beta: tf.Tensor,
  eps: number,
): { xhat: tf.Tensor2D; y: tf.Tensor2D } {
  const { mean, variance } = tf.moments(x, -1, true); // [N, 1] each
  const xhat = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, eps))) as tf.Tensor2D; // [N, d]
  const y = tf.add(tf.mul(xhat, gamma), beta) as tf.Tensor2D; // [N, d]
  return { xhat, y };
}
