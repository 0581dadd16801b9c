// Prefix tuning (Li & Liang 2021, arXiv 2101.00190): L learned key/value vectors prepended to an
// attention's keys and values. The backbone gates them in a joint softmax (COMMON "Prefix gating"):
// w_pre = z exp(s_pre - m) / D with D = sum exp(s_seq - m) + z sum exp(s_pre - m), so z = 0 is exactly
// the unmodified attention and z = 1 is standard prefix tuning. A learned scalar `mass` (|s|, s = 0 at
// init) multiplies the gate, so a fresh module is an exact no-op like every other method's and all
// candidates start level in a search (random keys would otherwise take attention mass from step 1);
// |s| keeps the softmax weights >= 0 and still has a gradient at 0. Params 2·L·hidden + 1.
// With `reparameterize`, keys/values come from an MLP over a learned [L, hidden] embedding while
// training (Li & Liang §4.3); `exportWeights` folds it into the plain [L, hidden] pair, which `load` accepts.
import * as tf from "@tensorflow/tfjs";
import type { OptionsOf, PetModule } from "@s3pet/core";
import { assignWeights, boolOption, definePetMethod, intOption, kaimingUniformVariable, normalVariable, zerosVariable } from "@s3pet/core";

const NAME = "prefix";
/** Init spread of prefixes and their embedding: BERT's initializer range, so fresh scores are near 0. */
const INIT_STD = 0.02;

// Each option is declared once: default, --help doc and check (docs/ARCHITECTURE.md, convention §6).
export const prefixOptions = {
  length: intOption({ default: 10, doc: "number L of prefix key/value vectors" }),
  reparameterize: boolOption({ default: false, doc: "produce the prefixes with an MLP while training (folded on export)" }),
  reparamHidden: intOption({ default: 0, min: 0, doc: "hidden width of the MLP; 0 = the attention's hidden size" }),
};
export type PrefixOptions = OptionsOf<typeof prefixOptions>;

export const prefix = definePetMethod({
  name: NAME,
  description: "learned key/value prefixes of length L in a gated joint softmax",
  options: prefixOptions,
  // the preset learning-rate ablation on `spam` (docs/BENCHMARKS.md): prefixes do best at 3e-2
  lr: 3e-2,

  // --- where
  siteKinds: ["attention"],

  // --- how many: keys + values, or embedding + MLP [hidden -> r -> 2 hidden], and the mass scalar
  paramCount: (site, o) => {
    const [L, H, r] = [o.length, site.hidden, o.reparamHidden || site.hidden];
    return (o.reparameterize ? L * H + (H * r + r) + (r * 2 * H + 2 * H) : 2 * L * H) + 1; // + mass
  },
  // per head the prefix scores, their exponent and weights: [T, L] per token row
  keptPerToken: (site, o) => 3 * site.heads * o.length,

  // --- what delta
  create(site, o, init) {
    const [L, H, r] = [o.length, site.hidden, o.reparamHidden || site.hidden]; // prefix length, hidden, MLP width
    const name = (w: string) => `${NAME}@${site.name}/${w}`;
    const owner = `${NAME}@${site.name}`;
    const plainWeights = () => ({
      prefix_keys: normalVariable(name("prefix_keys"), [L, H], INIT_STD, init.seed), // [L, H]
      prefix_values: normalVariable(name("prefix_values"), [L, H], INIT_STD, init.seed + 1), // [L, H]
      mass: zerosVariable(name("mass"), []), // s: the prefixes' softmax mass is |s| (0 = no-op)
    });
    let weights: Record<string, tf.Variable> = o.reparameterize
      ? {
          embedding: normalVariable(name("embedding"), [L, H], INIT_STD, init.seed), // [L, H]
          mlp_in: kaimingUniformVariable(name("mlp_in"), [H, r], H, init.seed + 1), // [H, r]
          mlp_in_bias: zerosVariable(name("mlp_in_bias"), [r]),
          mlp_out: kaimingUniformVariable(name("mlp_out"), [r, 2 * H], r, init.seed + 2), // [r, 2H]
          mlp_out_bias: zerosVariable(name("mlp_out_bias"), [2 * H]),
          mass: zerosVariable(name("mass"), []),
        }
      : plainWeights();

    /** keys, values: [L, H], from the MLP while it exists, else the plain pair. */
    const prefixes = (): { keys: tf.Tensor2D; values: tf.Tensor2D } => {
      const w = weights;
      if (!w.embedding) return { keys: w.prefix_keys as tf.Tensor2D, values: w.prefix_values as tf.Tensor2D };
      const hidden = tf.tanh(tf.add(tf.matMul(w.embedding as tf.Tensor2D, w.mlp_in as tf.Tensor2D), w.mlp_in_bias as tf.Tensor1D)); // [L, r]
      const kv = tf.add(tf.matMul(hidden, w.mlp_out as tf.Tensor2D), w.mlp_out_bias as tf.Tensor1D) as tf.Tensor2D; // [L, 2H]
      const [keys, values] = tf.split(kv, 2, 1) as [tf.Tensor2D, tf.Tensor2D]; // [L, H] each
      return { keys, values };
    };

    const module: PetModule = {
      get weights() {
        return weights;
      },
      contribution: { kind: "attention", prefix: () => ({ ...prefixes(), mass: tf.abs(weights.mass!) as tf.Scalar }) },
      // Always the folded pair (and the mass), as new tensors the caller disposes.
      exportWeights: () => tf.tidy(() => {
        const { keys, values } = prefixes();
        return { prefix_keys: tf.clone(keys), prefix_values: tf.clone(values), mass: tf.clone(weights.mass!) };
      }),
      load(saved) {
        if (!weights.embedding || !("prefix_keys" in saved)) return assignWeights(owner, weights, saved);
        // A folded export into a reparameterised module: keep the pair, drop the MLP.
        const folded = plainWeights();
        try {
          assignWeights(owner, folded, saved);
        } catch (error) {
          tf.dispose(Object.values(folded));
          throw error;
        }
        tf.dispose(Object.values(weights));
        weights = folded;
      },
      dispose: () => tf.dispose(Object.values(weights)),
    };
    return module;
  },

  // --- presets
  presets: [{ name: NAME, description: "prefix tuning with L = 10 on every layer's attention", include: ["attention", "SelfAttention"], options: { length: 10 } }],
});
