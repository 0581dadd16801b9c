// The feed-forward activations BERT configs name (`hidden_act`), as tfjs functions.
// `gelu` is the exact erf form (HF GELUActivation); the tanh approximation is HF's `gelu_new`,
// `gelu_pytorch_tanh` and `gelu_fast` (the same formula, written three ways in transformers).
import * as tf from "@tensorflow/tfjs";
import type { HiddenAct } from "./bert-config.js";

const SQRT_HALF = Math.SQRT1_2;
const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/**
 * f with its derivative written out, so training keeps only the input ([N, I] per layer) for the
 * backward pass instead of the three [N, I] tensors autodiff of the formula reads (docs/MEMORY.md).
 */
function withDerivative(f: (x: tf.Tensor) => tf.Tensor, df: (x: tf.Tensor) => tf.Tensor): (x: tf.Tensor) => tf.Tensor {
  return tf.customGrad(((x: tf.Tensor, save: tf.GradSaveFunc) => {
    save([x]);
    return { value: f(x), gradFunc: (dy: tf.Tensor, [saved]: tf.Tensor[]) => tf.mul(dy, df(saved!)) };
  }) as Parameters<typeof tf.customGrad>[0]) as (x: tf.Tensor) => tf.Tensor;
}

/** 0.5 x (1 + erf(x / sqrt 2)) */
function geluErf(x: tf.Tensor): tf.Tensor {
  return tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.mul(x, SQRT_HALF)), 1));
}

/** d/dx: Phi(x) + x phi(x) = 0.5 (1 + erf(x / sqrt 2)) + x exp(-x^2 / 2) / sqrt(2 pi) */
function geluErfDerivative(x: tf.Tensor): tf.Tensor {
  const cdf = tf.mul(tf.add(tf.erf(tf.mul(x, SQRT_HALF)), 1), 0.5);
  return tf.add(cdf, tf.mul(x, tf.mul(tf.exp(tf.mul(tf.square(x), -0.5)), INV_SQRT_2PI)));
}

/** 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))) */
function geluTanh(x: tf.Tensor): tf.Tensor {
  const inner = tf.mul(tf.add(x, tf.mul(tf.pow(x, 3), 0.044715)), SQRT_2_OVER_PI);
  return tf.mul(tf.mul(x, 0.5), tf.add(tf.tanh(inner), 1));
}

/** d/dx: 0.5 (1 + t) + 0.5 x (1 - t^2) sqrt(2/pi) (1 + 3 * 0.044715 x^2), t = tanh(inner) */
function geluTanhDerivative(x: tf.Tensor): tf.Tensor {
  const t = tf.tanh(tf.mul(tf.add(x, tf.mul(tf.pow(x, 3), 0.044715)), SQRT_2_OVER_PI));
  const dInner = tf.mul(tf.add(tf.mul(tf.square(x), 3 * 0.044715), 1), SQRT_2_OVER_PI);
  return tf.add(tf.mul(tf.add(t, 1), 0.5), tf.mul(tf.mul(tf.mul(x, 0.5), tf.sub(1, tf.square(t))), dInner));
}

const geluErfTrained = withDerivative(geluErf, geluErfDerivative);
const geluTanhTrained = withDerivative(geluTanh, geluTanhDerivative);

export function activation(name: HiddenAct): <T extends tf.Tensor>(x: T) => T {
  switch (name) {
    case "gelu":
      return (x) => geluErfTrained(x) as typeof x;
    case "gelu_new":
    case "gelu_pytorch_tanh":
    case "gelu_fast":
      return (x) => geluTanhTrained(x) as typeof x;
    case "relu":
      return (x) => tf.relu(x);
  }
}
