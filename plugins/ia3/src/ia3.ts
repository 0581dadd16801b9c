// (IA)^3 (Liu et al. 2022, arXiv 2205.05638): learned vectors that rescale activations elementwise.
// At a linear site y' = y + z · (l - 1) ⊙ y, i.e. y ⊙ l at z = 1, with l: [dOut] initialised to ones,
// so a fresh module and z = 0 are exact no-ops. Params dOut.
import * as tf from "@tensorflow/tfjs";
import { PluginError, assignWeights, definePetMethod, onesVariable, peftModuleMatches } from "@s3pet/core";

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

  // --- export: (x W + b) ⊙ l = x (W ⊙ l) + b ⊙ l; PEFT scales a non-feed-forward module's output the same
  merge(module, _site, _o, frozen) {
    const lMinus1 = tf.sub(module.weights.scale!, 1); // [dOut]
    return { weight: tf.mul(frozen.weight, lMinus1), bias: tf.mul(frozen.bias, lMinus1) }; // [dIn, dOut] · [dOut]
  },
  peft: {
    peftType: "IA3",
    toPeft: (module, site) => ({ tensors: { ia3_l: tf.reshape(module.weights.scale!, [site.dOut, 1]) }, settings: {} }), // [dOut, 1]
    // feedforward_modules scale their *input* in PEFT; ours all scale outputs, so none is one.
    config: () => ({ feedforward_modules: [], fan_in_fan_out: false, init_ia3_weights: true }),
    fromPeft(name, site, config, tensors) {
      if (peftModuleMatches(config.feedforward_modules, name)) {
        throw new PluginError(`${NAME}: ${name} is in feedforward_modules (PEFT scales its input); S3PET's (IA)^3 scales outputs only`);
      }
      const l = tensors.ia3_l;
      if (!l || l.size !== site.dOut) throw new PluginError(`${NAME}: ${name} needs ia3_l [${site.dOut}, 1], got ${l ? `[${l.shape.join(", ")}]` : "none"}`);
      return { options: {}, weights: { scale: tf.reshape(l, [site.dOut]) } };
    },
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
