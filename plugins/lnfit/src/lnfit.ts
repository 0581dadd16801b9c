// LNFit (the layer-norm delta of the S3PET search space, Hu et al. 2022, arXiv 2206.07382): learned
// deltas on a frozen LayerNorm's gain and bias. At a norm site y = gamma ⊙ xhat + beta becomes
// y' = y + z · (dgamma ⊙ xhat + dbeta), i.e. (gamma + z dgamma) ⊙ xhat + (beta + z dbeta);
// dgamma, dbeta: [d] start at zeros, so a fresh module and z = 0 are exact no-ops. Params 2 · d.
import * as tf from "@tensorflow/tfjs";
import { assignWeights, definePetMethod, zerosVariable } from "@s3pet/core";

const NAME = "lnfit";

export const lnfit = definePetMethod({
  name: NAME,
  description: "learned deltas on a LayerNorm's gain and bias: (gamma + dgamma) xhat + beta + dbeta",

  // --- options: none; the two vectors are the whole method
  options: {},
  // a vector method like BitFit (docs/BENCHMARKS.md, preset learning-rate ablation): BitFit's rate
  lr: 3e-3,

  // --- where
  siteKinds: ["norm"],

  // --- how many: a gain and a bias delta
  paramCount: (site) => 2 * site.dim,

  // --- what delta
  create(site) {
    const name = (w: string) => `${NAME}@${site.name}/${w}`;
    const weights = {
      gain: zerosVariable(name("gain"), [site.dim]), // dgamma: [d]
      bias: zerosVariable(name("bias"), [site.dim]), // dbeta: [d]
    };
    return {
      weights,
      contribution: {
        kind: "norm",
        delta: (xhat) => tf.add(tf.mul(xhat, weights.gain), weights.bias), // [N, d]
      },
      load: (saved) => assignWeights(`${NAME}@${site.name}`, weights, saved),
      dispose: () => tf.dispose(Object.values(weights)),
    };
  },

  // --- presets
  presets: [{ name: NAME, description: "LNFit: the gain and bias of every LayerNorm", include: ["LayerNorm", "layer_norm", "final_layer_norm"] }],
});
