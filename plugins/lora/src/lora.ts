// LoRA (Hu et al. 2021, arXiv 2106.09685): a trainable low-rank update of a frozen linear map.
// delta(x) = (x A) B · alpha/r, A: [dIn, r] kaiming-uniform (seeded), B: [r, dOut] zeros, so
// y' = y + z · delta is exactly y for a fresh module (B = 0) and at z = 0. Params r · (dIn + dOut).
// `mergeLora` folds z · A B · alpha/r into a copy of the frozen kernel for inference; `unmergeLora` undoes it.
import * as tf from "@tensorflow/tfjs";
import type { OptionsOf, PeftSetting, PetModule, TrainingContext } from "@s3pet/core";
import { PluginError, assignWeights, definePetMethod, exampleDropout, intOption, kaimingUniformVariable, numberOption, peftPatternValue, zerosVariable } from "@s3pet/core";

const NAME = "lora";

// Each option is declared once: default, --help doc and check (docs/ARCHITECTURE.md, convention §6).
export const loraOptions = {
  rank: intOption({ default: 8, doc: "rank r of the update A B" }),
  alpha: numberOption({ default: 16, doc: "the update is scaled by alpha / r", min: 0 }),
  dropout: numberOption({ default: 0, doc: "dropout on the update's input while training", min: 0, max: 0.9 }),
};
export type LoraOptions = OptionsOf<typeof loraOptions>;

export const lora = definePetMethod({
  name: NAME,
  description: "low-rank update (x A) B · alpha/r of a frozen linear map",
  options: loraOptions,
  // A search space holds rank 1 (the paper's mixed space; 256 parameters at a 128 -> 128 site, so it
  // fits 0.1% budgets) and rank 8 (the preset's) at every site; --lora.rank replaces the list.
  searchOptions: { rank: [1, 8] },
  // the preset learning-rate ablation on `spam` (docs/BENCHMARKS.md): LoRA leads at 3e-3 and 1e-2 alike and collapses at 3e-2
  lr: 3e-3,

  // --- where
  siteKinds: ["linear"],

  // --- how many
  paramCount: (site, o) => o.rank * (site.dIn + site.dOut),
  // x A (and its dropout); in the search also the gated delta (x A) B
  keptPerToken: (site, o, gated) => 2 * o.rank + (gated ? site.dOut : 0),

  // --- what delta
  create(site, o, init) {
    const scale = o.alpha / o.rank;
    const weights = {
      lora_A: kaimingUniformVariable(`${NAME}@${site.name}/lora_A`, [site.dIn, o.rank], site.dIn, init.seed), // [dIn, r]
      lora_B: zerosVariable(`${NAME}@${site.name}/lora_B`, [o.rank, site.dOut]), // [r, dOut]
    };
    let training: TrainingContext | null = null;
    const module: PetModule = {
      weights,
      contribution: {
        kind: "linear",
        delta(x) {
          // x: [N, dIn] with N = batch * tokens
          // The mask is a function of (seed, step, pass, example) only: resume- and shard-exact.
          const xIn = training && o.dropout > 0 ? exampleDropout(x, o.dropout, init.seed, training) : x;
          const xa = tf.matMul(xIn, weights.lora_A); // [N, r]
          return tf.mul(tf.matMul(xa, weights.lora_B), scale); // [N, dOut]
        },
      },
      load: (saved) => assignWeights(`${NAME}@${site.name}`, weights, saved),
      setTraining(on, context) {
        training = on ? (context ?? { step: 0, pass: 0, examples: [0] }) : null;
      },
      dispose: () => tf.dispose(Object.values(weights)),
    };
    return module;
  },

  // --- export: W + A B · alpha/r is the merged kernel; PEFT stores A^T, B^T with per-module r and alpha
  merge: (module, _site, o, frozen) => ({ weight: loraUpdate(module, o, frozen.weight as tf.Tensor2D, 1) }),
  peft: {
    peftType: "LORA",
    toPeft: (module, _site, o) => ({
      tensors: {
        "lora_A.weight": tf.transpose(module.weights.lora_A!), // [r, dIn]
        "lora_B.weight": tf.transpose(module.weights.lora_B!), // [dOut, r]
      },
      settings: { r: o.rank, lora_alpha: o.alpha, lora_dropout: o.dropout },
    }),
    config(modules) {
      // The most common rank and alpha are the defaults; every other module is listed by full name.
      const r = mostCommon(modules.map((m) => m.settings.r!));
      const alpha = mostCommon(modules.map((m) => m.settings.lora_alpha!));
      const pattern = (field: string, common: PeftSetting) =>
        Object.fromEntries(modules.filter((m) => m.settings[field] !== common).map((m) => [m.name, m.settings[field]]));
      return {
        r,
        lora_alpha: alpha,
        lora_dropout: Math.max(...modules.map((m) => Number(m.settings.lora_dropout))), // PEFT has one dropout
        rank_pattern: pattern("r", r),
        alpha_pattern: pattern("lora_alpha", alpha),
        bias: "none",
        fan_in_fan_out: false,
        init_lora_weights: true,
        use_rslora: false,
        use_dora: false,
        layers_to_transform: null,
        layers_pattern: null,
      };
    },
    fromPeft(name, site, config, tensors) {
      for (const field of ["use_rslora", "use_dora", "fan_in_fan_out"]) {
        if (config[field] === true) throw new PluginError(`${NAME}: PEFT config '${field}: true' is not supported (S3PET's LoRA scales by alpha/r, kernels [in, out])`);
      }
      if (config.bias !== undefined && config.bias !== "none") throw new PluginError(`${NAME}: PEFT config 'bias: ${String(config.bias)}' is not supported; export the biases with BitFit instead`);
      const rank = Number(peftPatternValue(config.rank_pattern, name) ?? config.r);
      const alpha = Number(peftPatternValue(config.alpha_pattern, name) ?? config.lora_alpha);
      const [A, B] = [tensors["lora_A.weight"], tensors["lora_B.weight"]];
      if (!A || !B) throw new PluginError(`${NAME}: ${name} needs lora_A.weight and lora_B.weight, got ${Object.keys(tensors).join(", ") || "none"}`);
      if (A.shape.join() !== [rank, site.dIn].join() || B.shape.join() !== [site.dOut, rank].join()) {
        throw new PluginError(`${NAME}: ${name}: lora_A [${A.shape.join(", ")}] and lora_B [${B.shape.join(", ")}] must be [${rank}, ${site.dIn}] and [${site.dOut}, ${rank}] (r = ${rank})`);
      }
      return {
        options: { rank, alpha, dropout: Number(config.lora_dropout ?? 0) },
        weights: { lora_A: tf.transpose(A), lora_B: tf.transpose(B) }, // [dIn, r], [r, dOut]
      };
    },
  },

  // --- presets
  presets: [
    {
      name: NAME,
      description: "LoRA r=8 on the query and value projections of every layer (Hu et al.)",
      // BERT/RoBERTa names, then T5's (self- and cross-attention), as PEFT's per-architecture defaults.
      include: ["attention.self.query", "attention.self.value", "SelfAttention.q", "SelfAttention.v", "EncDecAttention.q", "EncDecAttention.v"],
      options: { rank: 8 },
    },
  ],
});

/** W + z · A B · alpha/r as a new tensor: the frozen kernel `weight` [dIn, dOut] with the update folded in. */
export function mergeLora(module: PetModule, options: LoraOptions, weight: tf.Tensor2D, gate = 1): tf.Tensor2D {
  return tf.tidy(() => tf.add(weight, loraUpdate(module, options, weight, gate)) as tf.Tensor2D);
}

/** The frozen kernel back from a merged one: W' - z · A B · alpha/r (equal to W up to float rounding). */
export function unmergeLora(module: PetModule, options: LoraOptions, merged: tf.Tensor2D, gate = 1): tf.Tensor2D {
  return tf.tidy(() => tf.sub(merged, loraUpdate(module, options, merged, gate)) as tf.Tensor2D);
}

/** z · A B · alpha/r: [dIn, dOut]; checks that `module` is a LoRA module matching `weight`. */
function loraUpdate(module: PetModule, options: LoraOptions, weight: tf.Tensor2D, gate: number): tf.Tensor2D {
  const { lora_A: A, lora_B: B } = module.weights;
  if (!A || !B) throw new PluginError(`${NAME}: merge needs a LoRA module (weights lora_A, lora_B), got ${Object.keys(module.weights).join(", ")}`);
  if (A.shape[0] !== weight.shape[0] || B.shape[1] !== weight.shape[1]) {
    throw new PluginError(`${NAME}: cannot merge an update [${A.shape[0]},${B.shape[1]}] into a kernel [${weight.shape.join(",")}] (kernels are [dIn, dOut])`);
  }
  return tf.mul(tf.matMul(A, B), (gate * options.alpha) / options.rank); // [dIn, dOut]
}

/** The most frequent value (the first one on a tie). */
function mostCommon<T>(values: readonly T[]): T {
  const counts = new Map<T, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts].reduce((best, e) => (e[1] > best[1] ? e : best))[0];
}
