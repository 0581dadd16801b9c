// mergeModules: folds trained modules into the frozen parameters of their sites (docs/EXPORT.md), each
// method by its own `merge`. Every delta sees the frozen output, so the merged parameters are the frozen
// ones plus the sum of each module's change, all computed from the frozen values: the merged model's
// forward equals the adapter model's (up to float rounding) with no module left to run.
import * as tf from "@tensorflow/tfjs";
import { S3petInputError } from "../errors/s3pet-error.js";
import type { FrozenParams } from "../plugin/method-export.js";
import type { Site } from "../plugin/site.js";
import type { CandidateModule } from "../train/tuned-model.js";

/** `<method>@<site>` of the modules that cannot be merged: no `merge`, or a site without frozen parameters. */
export function notMergeable(modules: readonly CandidateModule[], hasFrozen: (site: Site) => boolean): string[] {
  return modules.filter((m) => !m.candidate.method.merge || !hasFrozen(m.candidate.site)).map((m) => `${m.candidate.method.name}@${m.candidate.site.name}`);
}

/**
 * Site name -> merged parameters (new tensors the caller disposes) for every site with modules.
 * `frozenOf` gives a site's frozen parameters, or null where it has none (residual and attention sites).
 */
export function mergeModules(modules: readonly CandidateModule[], frozenOf: (site: Site) => FrozenParams | null): Map<string, FrozenParams> {
  const left = notMergeable(modules, (site) => frozenOf(site) !== null);
  if (left.length > 0) {
    throw new S3petInputError(`--merge: ${left.join(", ")} cannot be folded into the backbone's weights; export with --format peft, or train a structure without them`);
  }
  const bySite = new Map<string, CandidateModule[]>();
  for (const m of modules) bySite.set(m.candidate.site.name, [...(bySite.get(m.candidate.site.name) ?? []), m]);
  const merged = new Map<string, FrozenParams>();
  for (const group of bySite.values()) {
    const site = group[0]!.candidate.site;
    const frozen = frozenOf(site)!;
    merged.set(
      site.name,
      tf.tidy(() => {
        let { weight, bias } = frozen;
        for (const { candidate, module } of group) {
          const delta = candidate.method.merge!(module, candidate.site, candidate.options, frozen);
          if (delta.weight) weight = tf.add(weight, delta.weight);
          if (delta.bias) bias = tf.add(bias, delta.bias);
        }
        // clones keep the result independent of the frozen tensors when no delta touched one of them
        return { weight: weight === frozen.weight ? tf.clone(weight) : weight, bias: bias === frozen.bias ? tf.clone(bias) : bias };
      }),
    );
  }
  return merged;
}
