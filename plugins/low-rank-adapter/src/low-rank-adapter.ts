// Low-rank adapter (Compacter without its PHM layers, Mahabadi et al. 2021, arXiv 2106.04647; part of
// the S3PET search space, arXiv 2206.07382): a bottleneck adapter at a sublayer's output whose down
// and up projections are each rank-r factorised:
//   delta(h) = act((h A) B + b_down) C D + b_up,   A: [d, r], B: [r, m], C: [m, r], D: [r, d].
// A, B, C are kaiming-uniform (seeded); D and the biases are zeros, so h' = h + z · delta is exactly h
// for a fresh module and at z = 0 (the reference's non-zero output at init is a known pitfall).
// Params 2 · r · (d + m) + m + d (m = bottleneck, or d / reductionFactor).
import * as tf from "@tensorflow/tfjs";
import type { OptionsOf } from "@s3pet/core";
import { assignWeights, definePetMethod, enumOption, intOption, kaimingUniformVariable, numberOption, zerosVariable } from "@s3pet/core";

const NAME = "low-rank-adapter";

// Each option is declared once: default, --help doc and check (docs/ARCHITECTURE.md, convention §6).
export const lowRankAdapterOptions = {
  rank: intOption({ default: 1, doc: "rank r of each projection's factorisation" }),
  bottleneck: intOption({ default: 0, min: 0, doc: "bottleneck size m; 0 = dim / reductionFactor" }),
  reductionFactor: numberOption({ default: 32, min: 1, doc: "m = floor(dim / reductionFactor) when bottleneck is 0" }),
  activation: enumOption({ default: "gelu", values: ["gelu", "relu"] as const, doc: "non-linearity between the projections" }),
};
export type LowRankAdapterOptions = OptionsOf<typeof lowRankAdapterOptions>;

/** The bottleneck size m for a residual of width `dim`. */
function bottleneckOf(dim: number, o: LowRankAdapterOptions): number {
  return o.bottleneck > 0 ? o.bottleneck : Math.max(1, Math.floor(dim / o.reductionFactor));
}

export const lowRankAdapter = definePetMethod({
  name: NAME,
  description: "bottleneck adapter whose down and up projections are rank-r factorised",
  options: lowRankAdapterOptions,
  // an adapter: adapters gain 0.10 at 1e-2 over 3e-3 (docs/BENCHMARKS.md, preset learning-rate ablation)
  lr: 1e-2,

  // --- where
  siteKinds: ["residual"],

  // --- how many
  paramCount: (site, o) => {
    const [d, m, r] = [site.dim, bottleneckOf(site.dim, o), o.rank];
    return 2 * r * (d + m) + m + d;
  },

  // --- what delta
  create(site, o, init) {
    const [d, m, r] = [site.dim, bottleneckOf(site.dim, o), o.rank]; // width, bottleneck, rank
    const name = (w: string) => `${NAME}@${site.name}/${w}`;
    const weights = {
      down_a: kaimingUniformVariable(name("down_a"), [d, r], d, init.seed), // [d, r]
      down_b: kaimingUniformVariable(name("down_b"), [r, m], r, init.seed + 1), // [r, m]
      down_bias: zerosVariable(name("down_bias"), [m]),
      up_a: kaimingUniformVariable(name("up_a"), [m, r], m, init.seed + 2), // [m, r]
      up_b: zerosVariable(name("up_b"), [r, d]), // [r, d]
      up_bias: zerosVariable(name("up_bias"), [d]),
    };
    const act = o.activation === "relu" ? (x: tf.Tensor) => tf.relu(x) : gelu;
    return {
      weights,
      contribution: {
        kind: "residual",
        delta(h) {
          // h: [N, d] sublayer output, N = batch * tokens
          const down = tf.add(tf.matMul(tf.matMul(h, weights.down_a), weights.down_b), weights.down_bias); // [N, m]
          const hidden = act(down) as tf.Tensor2D; // [N, m]
          return tf.add(tf.matMul(tf.matMul(hidden, weights.up_a), weights.up_b), weights.up_bias); // [N, d]
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
      description: "rank-1 low-rank adapters after the attention and the feed-forward block of every layer",
      // BERT/RoBERTa names, then T5's residual of every sub-layer (attention, cross-attention, feed-forward).
      include: ["attention.output", "/^encoder\\.layer\\.\\d+\\.output$/", "/\\.block\\.\\d+\\.layer\\.\\d+\\.dropout$/"],
    },
  ],
});

/** Exact (erf) GELU, as BERT's. */
function gelu(x: tf.Tensor): tf.Tensor {
  return tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.div(x, Math.SQRT2))));
}
