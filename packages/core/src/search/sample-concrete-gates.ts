// Stochastic gates for search steps (docs/METHOD.md §4): a binary-concrete (logistic-noise) sample at
// temperature 1, z_i = sigmoid(logit p_i + logit u_i) with u_i ~ U(0,1), one draw per step shared by
// the whole batch. Written as p u / (p u + (1 - p)(1 - u)), which is the same number without the
// infinities of logit(p) at p = 0 or 1. Evaluation uses z = p (no noise). Optional straight-through
// hard gates: forward 1[z > 1/2], backward the gradient of the soft z.
import * as tf from "@tensorflow/tfjs";

/** Keeps u inside (0, 1), so z stays strictly between 0 and 1 whenever p does. */
const U_EPS = 1e-6;

/** C uniforms in [U_EPS, 1 - U_EPS] from `next` (a seeded generator's next()). */
export function drawGateNoise(C: number, next: () => number): Float32Array {
  const u = new Float32Array(C);
  for (let i = 0; i < C; i++) u[i] = Math.min(1 - U_EPS, Math.max(U_EPS, next()));
  return u;
}

/** z [C] from p [C] and noise u [C]; differentiable in p. Call inside tf.tidy. */
export function sampleConcreteGates(p: tf.Tensor1D, u: Float32Array, straightThrough = false): tf.Tensor1D {
  const noise = tf.tensor1d(u); // [C]
  const num = tf.mul(p, noise); // p u
  const z = tf.div(num, tf.add(num, tf.mul(tf.sub(1, p), tf.sub(1, noise)))) as tf.Tensor1D; // [C]
  return straightThrough ? hardStraightThrough(z) : z;
}

/** 1[z > 1/2] forward, identity gradient. */
function hardStraightThrough(z: tf.Tensor1D): tf.Tensor1D {
  const st = tf.customGrad(((x: tf.Tensor) => ({
    value: tf.cast(tf.greater(x, 0.5), "float32"),
    gradFunc: (dy: tf.Tensor) => dy,
  })) as Parameters<typeof tf.customGrad<tf.Tensor>>[0]);
  return st(z) as tf.Tensor1D;
}
