// (IA)^3 (Liu et al. 2022, arXiv 2205.05638): learned vectors that rescale activations elementwise.
// At a linear site y' = y + z · (l - 1) ⊙ y, i.e. y ⊙ l at z = 1; at an activation site (a feed-forward
// block's activated hidden units, the paper's l_ff) u' = u + z · (l - 1) ⊙ u. l: [dOut] or [dim] starts
// at ones, so a fresh module and z = 0 are exact no-ops. Params dOut (linear) or dim (activation).
import * as tf from "@tensorflow/tfjs";
import type { LinearSite } from "@s3pet/core";
import { PluginError, assignWeights, definePetMethod, onesVariable, peftModuleMatches } from "@s3pet/core";

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
  // y, read by the scale's gradient; in the search also the gated delta
  keptPerToken: (site, _o, gated) => (site.kind === "linear" ? site.dOut : site.dim) * (gated ? 2 : 1),

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

  // --- export: at a linear site (x W + b) ⊙ l = x (W ⊙ l) + b ⊙ l, and PEFT scales a non-feed-forward
  // module's output the same; an activation site has no frozen parameters of its own (not merged, not in PEFT)
  merge(module, _site, _o, frozen) {
    const lMinus1 = tf.sub(module.weights.scale!, 1); // [dOut]
    return { weight: tf.mul(frozen.weight, lMinus1), bias: tf.mul(frozen.bias, lMinus1) }; // [dIn, dOut] · [dOut]
  },
  peft: {
    peftType: "IA3",
    siteKinds: ["linear"],
    toPeft: (module, site) => ({ tensors: { ia3_l: tf.reshape(module.weights.scale!, [(site as LinearSite).dOut, 1]) }, settings: {} }), // [dOut, 1]
    // feedforward_modules scale their *input* in PEFT; ours all scale outputs, so none is one.
    config: () => ({ feedforward_modules: [], fan_in_fan_out: false, init_ia3_weights: true }),
    fromPeft(name, site, config, tensors) {
      const dOut = (site as LinearSite).dOut;
      if (peftModuleMatches(config.feedforward_modules, name)) {
        throw new PluginError(`${NAME}: ${name} is in feedforward_modules (PEFT scales its input); S3PET's (IA)^3 scales outputs only`);
      }
      const l = tensors.ia3_l;
      if (!l || l.size !== dOut) throw new PluginError(`${NAME}: ${name} needs ia3_l [${dOut}, 1], got ${l ? `[${l.shape.join(", ")}]` : "none"}`);
      return { options: {}, weights: { scale: tf.reshape(l, [dOut]) } };
    },
  },

  // --- presets: the paper's keys, values and feed-forward activation (l_ff scales after the non-linearity)
  presets: [
    {
      name: NAME,
      description: "(IA)^3 on the key and value projections and the feed-forward activation of every layer",
      // BERT/RoBERTa names, then T5's (self- and cross-attention, the feed-forward activation).
      include: [
        "attention.self.key",
        "attention.self.value",
        "intermediate.intermediate_act_fn",
        "SelfAttention.k",
        "SelfAttention.v",
        "EncDecAttention.k",
        "EncDecAttention.v",
        "DenseReluDense.act",
      ],
    },
  ],
});
