// (IA)^3 (Liu et al. 2022, arXiv 2205.05638): learned vectors that rescale activations elementwise.
// At a linear site y' = y + z · (l - 1) ⊙ y, i.e. y ⊙ l at z = 1; at an activation site (a feed-forward
// block's activated hidden units, the paper's l_ff) u' = u + z · (l - 1) ⊙ u. l: [dOut] or [dim] starts
// at ones, so a fresh module and z = 0 are exact no-ops. Params dOut (linear) or dim (activation).
import * as tf from "@tensorflow/tfjs";
import { assignWeights, definePetMethod, onesVariable } from "@s3pet/core";

const NAME = "ia3";

export const ia3 = definePetMethod({
  name: NAME,
  description: "a learned rescaling vector l on a linear output or a feed-forward activation: y ⊙ l",

  // --- options: none; the vector is the whole method
  options: {},
  // not in the preset learning-rate ablation (docs/BENCHMARKS.md); a vector method, so BitFit's rate
  lr: 3e-3,

  // --- where
  siteKinds: ["linear", "activation"],

  // --- how many
  paramCount: (site) => (site.kind === "linear" ? site.dOut : site.dim),

  // --- what delta
  create(site) {
    const width = site.kind === "linear" ? site.dOut : site.dim;
    const weights = { scale: onesVariable(`${NAME}@${site.name}/scale`, [width]) }; // l: [width]
    const rescale = (h: tf.Tensor) => tf.mul(h, tf.sub(weights.scale, 1)); // (l - 1) ⊙ h: [N, width]
    return {
      weights,
      contribution: site.kind === "linear" ? { kind: "linear", delta: (_x, y) => rescale(y) } : { kind: "activation", delta: rescale },
      load: (saved) => assignWeights(`${NAME}@${site.name}`, weights, saved),
      dispose: () => tf.dispose(Object.values(weights)),
    };
  },

  // --- presets: the paper's keys, values and feed-forward activation (l_ff scales after the non-linearity)
  presets: [
    {
      name: NAME,
      description: "(IA)^3 on the key and value projections and the feed-forward activation of every layer",
      include: ["attention.self.key", "attention.self.value", "intermediate.intermediate_act_fn"],
    },
  ],
});
