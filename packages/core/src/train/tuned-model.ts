// TunedModel: a backbone with PET modules attached at candidate sites and a task head on top. The
// same object serves the supernet (every candidate, gates from the SGS) and a fixed structure (gates
// fixed at 1). Gating itself happens only in GatedSiteCalls (docs/METHOD.md §2). It owns what it is given
// and disposes all of it.
import * as tf from "@tensorflow/tfjs";
import type { Backbone, EncodedBatch, HiddenAtLayer, TaskHead } from "../backbone/backbone.js";
import { GatedSiteCalls, type AttachedModule } from "../plugin/gated-site-calls.js";
import type { PetModule, TrainingContext } from "../plugin/pet-module.js";
import { SeededRng } from "../random/seeded-rng.js";
import type { Candidate } from "../search/search-space.js";
import type { NamedParam } from "./adamw.js";
import type { MethodRates } from "./method-rates.js";

export interface CandidateModule {
  readonly candidate: Candidate;
  readonly module: PetModule;
}

/** A deterministic seed for one purpose (`train:head`, `search:init:<key>`, ...) of a run seeded `seed`. */
export function seedFor(seed: number, label: string): number {
  return new SeededRng(seed).fork(label).nextSeed();
}

/** Fresh modules for `candidates`, each initialised from the seed of `<label>:<candidate key>`. */
export function createModules(candidates: readonly Candidate[], seed: number, label: string): CandidateModule[] {
  const made: CandidateModule[] = [];
  try {
    for (const c of candidates) {
      made.push({ candidate: c, module: c.method.create(c.site, c.options, { seed: seedFor(seed, `${label}:${c.key}`) }) });
    }
  } catch (error) {
    for (const m of made) m.module.dispose();
    throw error;
  }
  return made;
}

export class TunedModel {
  constructor(
    readonly backbone: Backbone,
    readonly head: TaskHead,
    readonly modules: readonly CandidateModule[],
  ) {}

  /**
   * Logits [B, K] (or [B, 1]) for `batch`. `gates` [C] gives module i the gate gates[i]; null fixes
   * every gate at 1 (a trained structure). `from`: the backbone's output below the lowest module,
   * computed already (FrozenPrefix). Call inside tf.tidy.
   */
  forward(batch: EncodedBatch, gates: tf.Tensor1D | null, from?: HiddenAtLayer): tf.Tensor2D {
    const one = gates ? null : tf.scalar(1);
    const attached: AttachedModule[] = this.modules.map((m, i) => ({
      site: m.candidate.site,
      module: m.module,
      gate: gates ? (tf.reshape(tf.slice(gates, [i], [1]), []) as tf.Scalar) : one!,
      label: m.candidate.method.name,
    }));
    const out = this.backbone.forward(batch, attached.length ? new GatedSiteCalls(attached) : undefined, from ? { from } : undefined);
    return this.head.apply(out);
  }

  /** Switches modules with train-time behaviour (dropout) between training (a forward at `context`) and evaluation. */
  setTraining(training: boolean, context?: TrainingContext): void {
    for (const m of this.modules) m.module.setTraining?.(training, context);
  }

  /** Module weights as `<candidate key>/<weight>`, in candidate order; with `rates`, each carries its
   *  method's learning rate and weight decay (its AdamW parameter group). */
  moduleParams(rates?: MethodRates): NamedParam[] {
    return this.modules.flatMap((m) => {
      const rate = rates?.(m.candidate.method);
      return Object.entries(m.module.weights).map(([name, variable]) => ({ key: `${m.candidate.key}/${name}`, variable, ...rate }));
    });
  }

  /** Head weights as `head/<weight>`. */
  headParams(): NamedParam[] {
    return Object.entries(this.head.weights).map(([name, variable]) => ({ key: `head/${name}`, variable }));
  }

  /** The backbone's own trainable weights (full fine-tuning) as `backbone/<index>`. */
  backboneParams(): NamedParam[] {
    return this.backbone.trainableWeights().map((variable, i) => ({ key: `backbone/${i}`, variable }));
  }

  /** Everything the weight optimizer trains: modules (at `rates`), head, and the backbone when it is
   *  trainable (both at the optimizer's own lr). */
  weightParams(rates?: MethodRates): NamedParam[] {
    return [...this.moduleParams(rates), ...this.headParams(), ...this.backboneParams()];
  }

  dispose(): void {
    for (const m of this.modules) m.module.dispose();
    this.head.dispose();
    this.backbone.dispose();
  }
}

/** Number of parameters of a set of variables. */
export function countParams(params: readonly NamedParam[]): number {
  return params.reduce((s, p) => s + p.variable.size, 0);
}

/** A host copy of the params' values (for best-checkpoint snapshots and checkpoints). */
export type ParamSnapshot = Record<string, { shape: number[]; data: Float32Array }>;

export function snapshotParams(params: readonly NamedParam[]): ParamSnapshot {
  return Object.fromEntries(params.map((p) => [p.key, { shape: [...p.variable.shape], data: Float32Array.from(p.variable.dataSync() as Float32Array) }]));
}

export function restoreParams(params: readonly NamedParam[], snap: ParamSnapshot, what: string): void {
  tf.tidy(() => {
    for (const p of params) {
      const s = snap[p.key];
      if (!s || s.data.length !== p.variable.size) throw new Error(`${what}: no saved value of the right size for '${p.key}'`);
      p.variable.assign(tf.tensor(s.data, p.variable.shape));
    }
  });
}
