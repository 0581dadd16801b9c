// BitFit (Ben Zaken et al. 2022, arXiv 2106.10199): tune only the bias terms of a frozen model.
// At a linear site y' = y + z * b (b: [dOut]); at a LayerNorm site y' = gamma * xhat + beta + z * b
// (b: [d], a delta on the LayerNorm bias). b starts at zeros, so a fresh module and z = 0 are exact
// no-ops. Params: dOut (linear) or d (norm). Where the frozen linear has no bias, this adds one.
import * as tf from "@tensorflow/tfjs";
import { assignWeights, definePetMethod, zerosVariable } from "@s3pet/core";

const NAME = "bitfit";

export const bitfit = definePetMethod({
  name: NAME,
  description: "a learned bias delta on linear outputs and LayerNorm biases",

  // --- options: none; the bias is the whole method
  options: {},
  // the preset learning-rate ablation on `spam` (docs/BENCHMARKS.md): BitFit is flat from 1e-3 to 1e-2
  lr: 3e-3,

  // --- where
  siteKinds: ["linear", "norm"],

  // --- how many
  paramCount: (site) => (site.kind === "linear" ? site.dOut : site.dim),
  // the delta is the bias itself, [d]: nothing per token
  keptPerToken: () => 0,

  // --- what delta
  create(site) {
    const width = site.kind === "linear" ? site.dOut : site.dim;
    const weights = { bias: zerosVariable(`${NAME}@${site.name}/bias`, [width]) };
    const delta = () => weights.bias; // [width], broadcast over the N rows
    return {
      weights,
      contribution: site.kind === "linear" ? { kind: "linear", delta } : { kind: "norm", delta },
      load: (saved) => assignWeights(`${NAME}@${site.name}`, weights, saved),
      dispose: () => tf.dispose(Object.values(weights)),
    };
  },

  // --- export: the learned bias adds to the frozen one (the LayerNorm beta at a norm site); PEFT has no BitFit
  merge: (module) => ({ bias: tf.clone(module.weights.bias!) }),

  // --- presets
  presets: [{ name: NAME, description: "BitFit: every linear bias and LayerNorm bias", include: ["/./"] }],
});
