// Mean softmax cross-entropy against integer labels, with its gradient written out. tfjs's
// tf.losses.softmaxCrossEntropy takes one-hot labels and its autodiff evaluates exp over the
// logits three times (forward, and twice in the backward); over a vocabulary ([M, 8000] in
// masked-LM pretraining) exp is the costliest op after the matmuls on the wasm backend. Here the
// backward reuses the forward's exp, so exp runs once: the loss is mean(logsumexp(z) - z[y]) and its
// gradient (softmax(z) - onehot(y)) / N.
import * as tf from "@tensorflow/tfjs";

/**
 * logits [N, K], labels [N] (int32) -> mean cross-entropy. Call inside tf.tidy. Labels must lie in
 * [0, K); they are not checked here (the task data and the MLM masking only make valid ones).
 */
export function sparseSoftmaxCrossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  const [N, K] = logits.shape;
  const loss = tf.customGrad(((z: tf.Tensor2D, save: tf.GradSaveFunc) => {
    const shifted = tf.sub(z, tf.max(z, 1, true)); // [N, K], max 0 per row
    const exp = tf.exp(shifted);
    const sum = tf.sum(exp, 1, true); // [N, 1]
    const picked = tf.sum(tf.mul(shifted, tf.oneHot(labels, K)), 1, true); // [N, 1]: z[y] - max
    // The tape keeps its own copies of saved tensors: the caller's tidy may free `labels` before the backward.
    save([exp, sum, labels]);
    return {
      value: tf.mean(tf.sub(tf.log(sum), picked)) as tf.Scalar,
      gradFunc: (dy: tf.Tensor, [e, s, y]: tf.Tensor[]) => tf.mul(tf.sub(tf.div(e!, s!), tf.oneHot(y as tf.Tensor1D, K)), tf.div(dy, N)),
    };
  }) as Parameters<typeof tf.customGrad>[0]);
  return loss(logits) as tf.Scalar;
}
