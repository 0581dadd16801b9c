// The feed-forward activations BERT configs name (`hidden_act`), as tfjs functions.
// `gelu` is the exact erf form (HF GELUActivation); the tanh approximation is HF's `gelu_new`,
// `gelu_pytorch_tanh` and `gelu_fast` (the same formula, written three ways in transformers).
import * as tf from "@tensorflow/tfjs";
import type { HiddenAct } from "./bert-config.js";

const SQRT_HALF = Math.SQRT1_2;
const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/**
 * x Phi(x) with Phi(x) = 0.5 (1 + erf(x / sqrt 2)), and its gradient Phi(x) + x phi(x) written out: the
 * backward pass keeps x and Phi(x) only, where tfjs's autodiff of the same ops keeps five [N, I]
 * tensors per layer (100 MB of the wasm heap per bert-base layer at 16 x 128), and needs fewer kernels.
 */
const geluErf = tf.customGrad((...inputs: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const x = inputs[0] as tf.Tensor;
  const save = inputs[1] as tf.GradSaveFunc;
  const cdf = tf.mul(tf.add(tf.erf(tf.mul(x, SQRT_HALF)), 1), 0.5); // Phi(x); the 0.5 is exact
  save([x, cdf]);
  return {
    value: tf.mul(x, cdf),
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
      const [sx, scdf] = saved as [tf.Tensor, tf.Tensor];
      const pdf = tf.mul(tf.exp(tf.mul(tf.square(sx), -0.5)), INV_SQRT_2PI); // phi(x)
      return tf.mul(dy as tf.Tensor, tf.add(scdf, tf.mul(sx, pdf)));
    },
  };
}) as (x: tf.Tensor) => tf.Tensor;

/** 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))) */
function geluTanh(x: tf.Tensor): tf.Tensor {
  const inner = tf.mul(tf.add(x, tf.mul(tf.pow(x, 3), 0.044715)), SQRT_2_OVER_PI);
  return tf.mul(tf.mul(x, 0.5), tf.add(tf.tanh(inner), 1));
}

export function activation(name: HiddenAct): <T extends tf.Tensor>(x: T) => T {
  switch (name) {
    case "gelu":
      return (x) => geluErf(x) as typeof x;
    case "gelu_new":
    case "gelu_pytorch_tanh":
    case "gelu_fast":
      return (x) => geluTanh(x) as typeof x;
    case "relu":
      return (x) => tf.relu(x);
  }
}
