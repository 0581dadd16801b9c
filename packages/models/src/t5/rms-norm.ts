// T5's layer norm (RMS norm): scale only, no mean subtraction and no bias. Returns the normalised
// input too, as layer-norm.ts does, so norm sites (LNFit) see xhat.
import * as tf from "@tensorflow/tfjs";

/** x: [N, d] -> xhat = x / sqrt(mean(x^2) + eps), y = weight * xhat, both [N, d]. */
export function rmsNorm(x: tf.Tensor2D, weight: tf.Tensor, eps: number): { xhat: tf.Tensor2D; y: tf.Tensor2D } {
  const meanSquare = tf.mean(tf.square(x), -1, true); // [N, 1]
  const xhat = tf.mul(x, tf.rsqrt(tf.add(meanSquare, eps))) as tf.Tensor2D; // [N, d]
  return { xhat, y: tf.mul(xhat, weight) as tf.Tensor2D };
}
