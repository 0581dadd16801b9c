// Bottleneck adapter (Houlsby et al. 2019, arXiv 1902.00751) at a sublayer's output, before the
// residual add and LayerNorm: delta(h) = act(h W_down + b_down) W_up + b_up, with W_down: [d, m]
// kaiming-uniform (seeded) and W_up, b_up, b_down zeros, so h' = h + z · delta is exactly h for a
// fresh module and at z = 0. Params 2·d·m + m + d (m = bottleneck, or d / reductionFactor).
import * as tf from "@tensorflow/tfjs";
import type { OptionsOf } from "@s3pet/core";
import { assignWeights, definePetMethod, enumOption, intOption, kaimingUniformVariable, numberOption, zerosVariable } from "@s3pet/core";

const NAME = "adapter";

// Each option is declared once: default, --help doc and check (docs/ARCHITECTURE.md, convention §6).
export const adapterOptions = {
  bottleneck: intOption({ default: 0, min: 0, doc: "bottleneck size m; 0 = dim / reductionFactor" }),
  reductionFactor: numberOption({ default: 16, min: 1, doc: "m = floor(dim / reductionFactor) when bottleneck is 0" }),
  activation: enumOption({ default: "gelu", values: ["relu", "gelu", "tanh", "silu"] as const, doc: "non-linearity between the projections" }),
};
export type AdapterOptions = OptionsOf<typeof adapterOptions>;

/** The bottleneck size m for a residual of width `dim`. */
export function bottleneckSize(dim: number, o: AdapterOptions): number {
  return o.bottleneck > 0 ? o.bottleneck : Math.max(1, Math.floor(dim / o.reductionFactor));
}

export const adapter = definePetMethod({
  name: NAME,
  description: "bottleneck adapter act(h W_down) W_up on a sublayer output (Houlsby placement)",
  options: adapterOptions,
  // the preset learning-rate ablation on `spam` (docs/BENCHMARKS.md): adapters gain 0.10 at 1e-2 over 3e-3
  lr: 1e-2,

  // --- where
  siteKinds: ["residual"],

  // --- how many
  paramCount: (site, o) => {
    const m = bottleneckSize(site.dim, o);
    return 2 * site.dim * m + m + site.dim;
  },
  // h W_down, its activation and the input h; in the search also the gated delta
  keptPerToken: (site, o, gated) => 3 * bottleneckSize(site.dim, o) + site.dim * (gated ? 2 : 1),

  // --- what delta
  create(site, o, init) {
    const [d, m] = [site.dim, bottleneckSize(site.dim, o)];
    const name = (w: string) => `${NAME}@${site.name}/${w}`;
    const weights = {
      down: kaimingUniformVariable(name("down"), [d, m], d, init.seed), // [d, m]
      down_bias: zerosVariable(name("down_bias"), [m]),
      up: zerosVariable(name("up"), [m, d]), // [m, d]
      up_bias: zerosVariable(name("up_bias"), [d]),
    };
    const act = ACTIVATIONS[o.activation];
    return {
      weights,
      contribution: {
        kind: "residual",
        delta(h) {
          // h: [N, d] sublayer output, N = batch * tokens
          const hidden = act(tf.add(tf.matMul(h, weights.down), weights.down_bias)); // [N, m]
          return tf.add(tf.matMul(hidden, weights.up), weights.up_bias); // [N, d]
        },
      },
      load: (saved) => assignWeights(`${NAME}@${site.name}`, weights, saved),
      dispose: () => tf.dispose(Object.values(weights)),
    };
  },

  // --- presets
  presets: [
    {
      name: NAME,
      description: "Houlsby adapters after the attention and the feed-forward block of every layer",
      // BERT/RoBERTa names, then T5's residual of every sub-layer (attention, cross-attention, feed-forward).
      include: ["attention.output", "/^encoder\\.layer\\.\\d+\\.output$/", "/\\.block\\.\\d+\\.layer\\.\\d+\\.dropout$/"],
    },
  ],
});

const ACTIVATIONS: Record<AdapterOptions["activation"], (x: tf.Tensor) => tf.Tensor> = {
  relu: (x) => tf.relu(x),
  gelu: (x) => tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.div(x, Math.SQRT2)))), // exact (erf) GELU
  tanh: (x) => tf.tanh(x),
  silu: (x) => tf.mul(x, tf.sigmoid(x)),
};
