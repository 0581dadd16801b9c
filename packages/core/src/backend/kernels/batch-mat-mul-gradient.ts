// Gradient of BatchMatMul that supports broadcast batch dims. tfjs 4.22's gradient returns
// [...outBatch, r, c] for an input with fewer batch dims, so tf.grad through x[B,T,H]·W[H,O] throws
// "The gradient of input 'b' has shape '2,4,6', which does not match the shape of the input '4,6'".
// This one sums the broadcast dims away; for a 2-D b under a batched a it folds the batch into rows
// instead (one [B*T,H]^T·[B*T,O] matmul rather than B of them plus a sum).
import * as tf from "@tensorflow/tfjs";
import type { GradientFix } from "./kernel-fix.js";

export const batchMatMulGradientFix: GradientFix = {
  kind: "gradient",
  kernelName: "BatchMatMul",
  reason: "stock gradient fails when a and b have different batch dims",
  create: (stock) => ({
    ...stock,
    gradFunc: (dy, saved, attrs) => {
      const [a, b] = saved as [tf.Tensor, tf.Tensor];
      const { transposeA, transposeB } = attrs as { transposeA: boolean; transposeB: boolean };
      const grads = stock.gradFunc(dy, saved, attrs);
      if (!transposeA && a.rank > 2 && b.rank === 2) {
        const foldedB = () => {
          const dy2 = tf.reshape(dy as tf.Tensor, [-1, (dy as tf.Tensor).shape.at(-1)!]); // [B*T, N]
          const a2 = tf.reshape(a, [-1, a.shape.at(-1)!]); // [B*T, K]
          return transposeB ? tf.matMul(dy2, a2, true, false) : tf.matMul(a2, dy2, true, false); // [N, K] or [K, N]
        };
        return { a: grads.a!, b: foldedB };
      }
      return {
        a: () => sumToShape(grads.a!(), a.shape),
        b: () => sumToShape(grads.b!(), b.shape),
      };
    },
  }),
};

/** Sums a gradient over the batch dims its input was broadcast along, back to the input's shape. */
function sumToShape(grad: tf.Tensor, shape: number[]): tf.Tensor {
  if (tf.util.arraysEqual(grad.shape, shape)) return grad;
  const axes = tf.broadcast_util.getReductionAxes(shape, grad.shape);
  return tf.reshape(axes.length > 0 ? tf.sum(grad, axes) : grad, shape);
}
