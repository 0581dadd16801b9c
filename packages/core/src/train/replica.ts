// Replica: one copy of the model being trained — backbone, PET modules, head and (in a search) the
// structure parameters alpha — that computes the loss and gradients of a shard of a batch and scores
// a range of an evaluation split. The main thread owns one and every data-parallel worker builds its
// own from the same serialisable ReplicaSpec and the same seeds, so all copies start identical; the
// main thread's optimisers then keep them identical by broadcasting the trained values (DataParallel).
import * as tf from "@tensorflow/tfjs";
import type { Backbone } from "../backbone/backbone.js";
import type { TrainingContext } from "../plugin/pet-module.js";
import type { EvalDeps } from "../run/engine-deps.js";
import { S3petInputError } from "../errors/s3pet-error.js";
import { makeCandidate, type Candidate } from "../search/search-space.js";
import { sampleConcreteGates } from "../search/sample-concrete-gates.js";
import { ShiftedGlobalSigmoid } from "../search/shifted-global-sigmoid.js";
import type { ShiftGradient } from "../run/run-config.js";
import type { NamedParam } from "./adamw.js";
import type { MethodRates } from "./method-rates.js";
import type { ShardReplica } from "./data-parallel.js";
import { FrozenPrefix } from "./frozen-prefix.js";
import { gradsOf } from "./gradients.js";
import { taskLoss } from "./task-loss.js";
import { createModules, restoreParams, seedFor, TunedModel, type ParamSnapshot } from "./tuned-model.js";

/** A candidate by names (structured-cloneable), rebuilt against the replica's own backbone and methods. */
export interface CandidateRef {
  readonly site: string;
  readonly method: string;
  readonly options: Readonly<Record<string, unknown>>;
  /** The option values that tell this candidate from its siblings at the site (`rank=1`), or null. */
  readonly variant: string | null;
}

/** The gates of a search: the SGS over alpha and the concrete noise (null for a fixed structure). */
export interface GateSpec {
  /** The SGS target sum n_i p_i. */
  readonly budget: number;
  readonly temperature: number;
  readonly shiftGradient: ShiftGradient;
  readonly hardGates: boolean;
}

/** Everything a worker needs to build an identical replica (plain data). */
export interface ReplicaSpec {
  readonly seed: number;
  /** Seed labels of the head and the modules' init (`train:head`, `search:init`, ...). */
  readonly seedLabels: { readonly head: string; readonly init: string };
  readonly candidates: readonly CandidateRef[];
  /** Full fine-tuning: the backbone is trainable. */
  readonly full: boolean;
  readonly gates: GateSpec | null;
}

/** Which parameters a gradient is taken for. */
export type GradTarget = "weights" | "alpha" | "all";

export interface ShardRequest {
  /** The shard's examples (training split indices), in batch order. */
  readonly examples: readonly number[];
  /** Examples in the whole batch: the shard's mean loss is scaled by examples / batchSize, so the
   *  shards' losses and gradients sum to the whole batch's mean. */
  readonly batchSize: number;
  /** Concrete gate noise u [C] (search); null fixes every gate at 1. */
  readonly noise: Float32Array | null;
  readonly wrt: GradTarget;
  readonly step: number;
  /** Which forward of the step (distinct passes draw distinct dropout masks). */
  readonly pass: number;
  /** For messages: "search step 12 (weight step)". */
  readonly where: string;
}

/** A shard's scaled loss and gradients by parameter key (parameters the loss does not reach are absent). */
export interface ShardGradients<G> {
  readonly loss: number;
  /** Non-padding tokens of the shard (for tokens/s). */
  readonly tokens: number;
  readonly grads: Record<string, G>;
}

/** A range of an evaluation split: per-item outputs (the engine's: logits row-major) and the summed loss. */
export interface EvalShard {
  readonly predictions: Float32Array;
  readonly lossSum: number;
}

export function candidateRef(c: Candidate): CandidateRef {
  return { site: c.site.name, method: c.method.name, options: c.options, variant: c.variant };
}

export class Replica implements ShardReplica {
  readonly model: TunedModel;
  /** alpha [C] of a search (null for a fixed structure). */
  readonly alpha: tf.Variable<tf.Rank.R1> | null;
  private readonly sgs: ShiftedGlobalSigmoid | null;
  private readonly byKey: Map<string, NamedParam>;
  /** A fixed structure's layers below its lowest module, run outside the tape and kept per example
   *  this replica has seen (its own shards' examples); null when there is nothing to skip. */
  private readonly prefix: FrozenPrefix | null;

  /** `backbone` (owned from then on) or a fresh one from `deps.createBackbone`. */
  constructor(
    private readonly deps: EvalDeps,
    readonly spec: ReplicaSpec,
    backbone: Backbone = deps.createBackbone({ trainable: spec.full }),
  ) {
    let model: TunedModel | null = null;
    try {
      const candidates = resolveCandidates(spec.candidates, backbone, deps);
      const head = deps.createHead(deps.task.objective.numLabels, { seed: seedFor(spec.seed, spec.seedLabels.head) });
      try {
        model = new TunedModel(backbone, head, createModules(candidates, spec.seed, spec.seedLabels.init));
      } catch (error) {
        head.dispose();
        throw error;
      }
      const g = spec.gates;
      this.sgs = g && new ShiftedGlobalSigmoid(candidates.map((c) => c.params), g.budget, { temperature: g.temperature, gradient: g.shiftGradient });
      this.prefix = g || spec.full ? null : FrozenPrefix.of(backbone, candidates, deps.task.train.size);
      this.alpha = g && (tf.tidy(() => tf.variable(tf.zeros([candidates.length]), true)) as tf.Variable<tf.Rank.R1>); // [C], 0 at the start (docs/METHOD.md §3)
    } catch (error) {
      if (model) model.dispose();
      else backbone.dispose();
      throw error;
    }
    this.model = model;
    this.byKey = new Map(this.params("all").map((p) => [p.key, p]));
  }

  /** The trained parameters of `wrt`, in a fixed order (modules, head, backbone; then alpha); with
   *  `rates`, each module's weights carry its method's lr and weight decay (for the optimiser). */
  params(wrt: GradTarget, rates?: MethodRates): NamedParam[] {
    const weights = wrt === "alpha" ? [] : this.model.weightParams(rates);
    const alpha = wrt === "weights" || !this.alpha ? [] : [{ key: "alpha", variable: this.alpha as tf.Variable }];
    return [...weights, ...alpha];
  }

  /** The SGS of a search (throws for a fixed structure). */
  get gateSolver(): ShiftedGlobalSigmoid {
    if (!this.sgs) throw new Error("a fixed structure has no gates");
    return this.sgs;
  }

  /** The shard's loss and gradients as tensors the caller owns. */
  gradients(req: ShardRequest): ShardGradients<tf.Tensor> {
    const params = this.params(req.wrt);
    const batch = this.deps.task.train.batch(req.examples);
    const context: TrainingContext = { step: req.step, pass: req.pass, examples: req.examples };
    const from = this.prefix?.hiddenAt(batch, req.examples);
    this.model.setTraining(true, context);
    try {
      return tf.tidy(() => {
        const f = () => {
          const gates = req.noise && sampleConcreteGates(this.gateSolver.probabilities(this.alpha!), req.noise, this.spec.gates!.hardGates);
          return tf.mul(taskLoss(this.deps.task.objective, this.model.forward(batch, gates, from), batch.labels), req.examples.length / req.batchSize) as tf.Scalar;
        };
        const { value, grads } = gradsOf(f, params.map((p) => p.variable), req.where);
        const out: Record<string, tf.Tensor> = {};
        for (const p of params) {
          const g = grads[p.variable.name];
          if (g) out[p.key] = g;
        }
        return { loss: value.dataSync()[0]!, tokens: batch.attentionMask.reduce((a, v) => a + v, 0), grads: out };
      });
    } finally {
      this.model.setTraining(false);
      from?.hidden.dispose();
    }
  }

  /** Logits and summed loss of examples [start, end) of a split; `gates` [C] or null (all 1). */
  evaluate(split: "validation" | "test", start: number, end: number, gates: Float32Array | null, batchSize: number): EvalShard {
    const data = this.deps.task[split];
    const K = this.deps.task.objective.numLabels;
    const predictions = new Float32Array((end - start) * K);
    let lossSum = 0;
    for (let first = start; first < end; first += batchSize) {
      const idx = Array.from({ length: Math.min(batchSize, end - first) }, (_, i) => first + i);
      const batch = data.batch(idx);
      lossSum += tf.tidy(() => {
        const logits = this.model.forward(batch, gates && tf.tensor1d(gates)); // [b, K]
        predictions.set(logits.dataSync(), (first - start) * K);
        return taskLoss(this.deps.task.objective, logits, batch.labels).dataSync()[0]! * idx.length;
      });
    }
    return { predictions, lossSum };
  }

  /** Overwrites the parameters named in `values` (the main thread's broadcast). */
  assign(values: ParamSnapshot): void {
    const params = Object.keys(values).map((k) => {
      const p = this.byKey.get(k);
      if (!p) throw new Error(`replica: no parameter '${k}'`);
      return p;
    });
    restoreParams(params, values, "replica update");
  }

  dispose(): void {
    this.alpha?.dispose();
    this.model.dispose();
  }
}

function resolveCandidates(refs: readonly CandidateRef[], backbone: Backbone, deps: EvalDeps): Candidate[] {
  const sites = new Map(backbone.sites().map((s) => [s.name, s]));
  const methods = new Map(deps.methods.map((m) => [m.name, m]));
  return refs.map((r, i) => {
    const site = sites.get(r.site);
    const method = methods.get(r.method);
    if (!site || !method) throw new S3petInputError(`a worker could not rebuild candidate ${r.site}#${r.method}: its backbone or methods differ from the main thread's`);
    return makeCandidate(i, site, method, r.options, r.variant);
  });
}
