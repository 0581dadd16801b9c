// ia3: TODO say what the method is in two sentences, with its paper link.
// Skeleton delta (replace it with yours, and this formula with it): y' = y + z · scale · b at a linear
// site, b: [dOut] zeros, so a fresh module and z = 0 are exact no-ops. Params dOut.
import * as tf from "@tensorflow/tfjs";
import type { OptionsOf } from "@s3pet/core";
import { assignWeights, definePetMethod, numberOption, zerosVariable } from "@s3pet/core";

const NAME = "ia3";

// Each option is declared once: default, --help doc and check (style.md §6).
export const ia3Options = {
  scale: numberOption({ default: 1, min: 0, doc: "multiplies the learned delta" }),
};
export type Ia3Options = OptionsOf<typeof ia3Options>;

export const ia3 = definePetMethod({
  name: NAME,
  description: "TODO one line for `s3pet plugins`",
  options: ia3Options,

  // --- where
  siteKinds: ["linear"],

  // --- how many
  paramCount: (site) => site.dOut,

  // --- what delta
  create(site, o) {
    const weights = { shift: zerosVariable(`${NAME}@${site.name}/shift`, [site.dOut]) }; // [dOut]
    return {
      weights,
      contribution: {
        kind: "linear",
        delta: () => tf.mul(weights.shift, o.scale), // [dOut], broadcast over the N = batch * tokens rows
      },
      load: (saved) => assignWeights(`${NAME}@${site.name}`, weights, saved),
      dispose: () => tf.dispose(Object.values(weights)),
    };
  },

  // --- presets: manual baselines as site patterns, e.g. { name: NAME, description, include: ["attention.self.value"] }
  presets: [],
});
