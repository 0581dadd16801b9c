// (IA)^3 (Liu et al. 2022, arXiv 2205.05638): learned vectors that rescale activations elementwise.
// At a linear site y' = y + z · (l - 1) ⊙ y, i.e. y ⊙ l at z = 1, with l: [dOut] initialised to ones,
// so a fresh module and z = 0 are exact no-ops. Params dOut.
import * as tf from "@tensorflow/tfjs";
import { assignWeights, definePetMethod, onesVariable } from "@s3pet/core";

const NAME = "ia3";

export const ia3 = definePetMethod({
  name: NAME,
  description: "a learned rescaling vector l on a linear output: y ⊙ l",

  // --- options: none; the vector is the whole method
  options: {},

  // --- where
  siteKinds: ["linear"],

  // --- how many
  paramCount: (site) => site.dOut,
  // y, read by the scale's gradient; in the search also the gated delta
  keptPerToken: (site, _o, gated) => site.dOut * (gated ? 2 : 1),

  // --- what delta
  create(site) {
    const weights = { scale: onesVariable(`${NAME}@${site.name}/scale`, [site.dOut]) }; // l: [dOut]
    return {
      weights,
      contribution: {
        kind: "linear",
        delta: (_x, y) => tf.mul(y, tf.sub(weights.scale, 1)), // (l - 1) ⊙ y: [N, dOut]
      },
      load: (saved) => assignWeights(`${NAME}@${site.name}`, weights, saved),
      dispose: () => tf.dispose(Object.values(weights)),
    };
  },

  // --- presets: the paper's keys, values and feed-forward; l_ff rescales the intermediate dense
  // output (before the activation), because a linear site's delta sees that output
  presets: [
    {
      name: NAME,
      description: "(IA)^3 on the key, value and intermediate (feed-forward) projections of every layer",
      include: ["attention.self.key", "attention.self.value", "intermediate.dense"],
    },
  ],
});
