// planRunMemory: the memory plan of a search or fixed-structure run, from its candidates (what each
// method says its modules keep per token) and the backbone's profile. The search's plan is the larger
// of its two phases: the supernet (every candidate, gated) and re-training (at most the budget). In the
// supernet the weight step keeps what the modules' weight gradients read and the structure step what
// the gates' gradients read (the gated deltas); a first-order step takes one of them at a time, the
// second-order structure step takes both gradients at once.
import type { Site } from "../plugin/site.js";
import type { Candidate } from "../search/search-space.js";
import { planMemory, type BackboneMemoryProfile, type MemoryPlan } from "./memory-plan.js";

export interface RunMemoryInput {
  readonly profile: BackboneMemoryProfile;
  /** Search: every candidate. Train: the structure's modules (empty for full fine-tuning). */
  readonly candidates: readonly Candidate[];
  /** The search's supernet, where each module's gate is trained too. */
  readonly gated: boolean;
  /** The supernet's second-order structure step (weights and gates in one gradient). */
  readonly secondOrder?: boolean;
  /** Full fine-tuning: the backbone's own weights are trained. */
  readonly full: boolean;
  readonly backboneParams: number;
  /** Parameters of the task head (a few thousand). */
  readonly headParams: number;
  /** Examples per forward pass on one worker (its micro-batch). */
  readonly batchSize: number;
  /** Examples per step on one worker (its shard of the batch); default `batchSize`. */
  readonly shardSize?: number;
  readonly length: number;
  readonly workers: number;
  readonly workerLimitBytes: number;
  readonly machineBytes: number;
}

export function planRunMemory(input: RunMemoryInput): MemoryPlan {
  const { profile, candidates } = input;
  const moduleKeptPerToken = keptByModules(candidates, input);
  // While a layer runs, its modules' outputs (in the search, their gated deltas) are alive at once.
  const byLayer = new Map<number | null, Candidate[]>();
  for (const c of candidates) {
    const inLayer = byLayer.get(c.site.layer) ?? [];
    inLayer.push(c);
    byLayer.set(c.site.layer, inLayer);
  }
  const moduleWorkPerToken = Math.max(0, ...[...byLayer.values()].map((inLayer) => keptByModules(inLayer, input)));
  const lowest = candidates.reduce((low, c) => Math.min(low, c.site.layer ?? -1), profile.numLayers);
  const trainedLayers = input.full ? profile.numLayers : profile.numLayers - Math.max(0, lowest);
  const moduleParams = candidates.reduce((sum, c) => sum + c.params, 0);
  return planMemory({
    backbone: profile,
    batchSize: input.batchSize,
    shardSize: input.shardSize ?? input.batchSize,
    length: input.length,
    moduleKeptPerToken,
    moduleWorkPerToken,
    trainedParams: moduleParams + input.headParams + (input.gated ? candidates.length : 0) + (input.full ? input.backboneParams : 0),
    trainedLayers: candidates.length === 0 && !input.full ? 0 : trainedLayers,
    workers: input.workers,
    workerLimitBytes: input.workerLimitBytes,
    machineBytes: input.machineBytes,
  });
}

/** Floats per token `candidates` keep in one step: a first-order search step keeps either what the
 *  weights' gradients read or the gated deltas the gates' gradients read, a second-order one both. */
function keptByModules(candidates: readonly Candidate[], input: Pick<RunMemoryInput, "gated" | "secondOrder">): number {
  const internal = candidates.reduce((sum, c) => sum + keptPerToken(c, false), 0);
  if (!input.gated) return internal;
  const withGates = candidates.reduce((sum, c) => sum + keptPerToken(c, true), 0);
  return input.secondOrder ? withGates : Math.max(internal, withGates - internal);
}

function keptPerToken(c: Candidate, gated: boolean): number {
  const hint = c.method.keptPerToken?.(c.site as never, c.options as never, gated);
  return hint ?? (gated ? siteWidth(c.site) : 0);
}

/** The width of a site's per-token output. */
function siteWidth(site: Site): number {
  switch (site.kind) {
    case "linear":
      return site.dOut;
    case "attention":
      return site.hidden;
    default:
      return site.dim;
  }
}
