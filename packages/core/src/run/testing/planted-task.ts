// Engine test kit (used by the engine's tests only): a tiny synthetic backbone implementing core's
// Backbone, a task whose label only one candidate can recover within a small budget, a linear head,
// and three tiny PET methods. Core must not import real plugins or backbones, so the engine is
// tested against these.
//
// The planted structure: the label is carried by dimension 0 of the first token's embedding. Every
// layer is h <- LayerNorm_i(dense_i(h)) with y = gamma * x + beta (x is its own "xhat"); layer 0's
// gamma is 0 on dimension 0, so the frozen backbone erases the label. Only a gain delta on layer 0's
// norm (`tgain` at encoder.layer.0.LayerNorm: y + z * g * xhat) can bring it back: biases are
// input-independent, and later norms never see the signal. With a budget of one 4-parameter module,
// the search must find exactly that candidate.
import * as tf from "@tensorflow/tfjs";
import type { Backbone, BackboneForwardOptions, BackboneOutput, EncodedBatch, SiteCalls, TaskHead, TaskHeadFactory } from "../../backbone/backbone.js";
import { definePetMethod, type PetMethod } from "../../plugin/pet-method.js";
import type { PetModule } from "../../plugin/pet-module.js";
import { intOption } from "../../plugin/options-schema.js";
import type { LinearSite, NormSite, Site } from "../../plugin/site.js";
import { SeededRng } from "../../random/seeded-rng.js";

/** A variable from a freshly built value, leaving no other tensor alive. */
const own = (init: () => tf.Tensor, trainable = true) => tf.tidy(() => tf.variable(init(), trainable));
import type { Dataset, LabeledBatch, TaskObjective, TaskSplits } from "../../task/task.js";
import type { EvalDeps } from "../engine-deps.js";

export const PLANTED = { vocab: 6, hidden: 4, layers: 3, length: 3 } as const;
/** The one candidate that can solve the planted task. */
export const PLANTED_KEY = "encoder.layer.0.LayerNorm#tgain";

export interface SyntheticBackboneOptions {
  readonly trainable?: boolean;
  readonly seed?: number;
}

export class SyntheticBackbone implements Backbone {
  readonly description = "synthetic planted-structure encoder (3 layers, hidden 4)";
  readonly hiddenSize = PLANTED.hidden;
  readonly numLabels = 2;
  readonly numLayers = PLANTED.layers;
  private readonly embedding: tf.Variable;
  private readonly layers: { dense: LinearSite; norm: NormSite; w: tf.Variable; b: tf.Variable; gamma: tf.Variable; beta: tf.Variable }[];
  private readonly trainable: boolean;

  constructor(opts: SyntheticBackboneOptions = {}) {
    const rng = new SeededRng(opts.seed ?? 3);
    const H = PLANTED.hidden;
    this.trainable = opts.trainable ?? false;
    const shared = [0.5, -0.3, 0.2];
    const table: number[][] = [
      [0, 0, 0, 0],
      [1, ...shared], // token 1: class 1
      [-1, ...shared], // token 2: class 0 (differs only in dimension 0)
      ...Array.from({ length: PLANTED.vocab - 3 }, () => Array.from({ length: H }, () => rng.normal() * 0.5)),
    ];
    this.embedding = own(() => tf.tensor2d(table), this.trainable);
    this.layers = Array.from({ length: PLANTED.layers }, (_, i) => {
      // dense: identity on dimension 0, a mild random mix of the others.
      const w = Array.from({ length: H }, (_, r) => Array.from({ length: H }, (_, c) => (r === c ? 1 : 0) + (r > 0 && c > 0 ? 0.2 * rng.normal() : 0)));
      const gamma = Array.from({ length: H }, (_, d) => (i === 0 && d === 0 ? 0 : 1));
      return {
        dense: { kind: "linear", name: `encoder.layer.${i}.dense`, layer: i, position: "dense", dIn: H, dOut: H } as LinearSite,
        norm: { kind: "norm", name: `encoder.layer.${i}.LayerNorm`, layer: i, position: "LayerNorm", dim: H } as NormSite,
        w: own(() => tf.tensor2d(w), this.trainable),
        b: own(() => tf.zeros([H]), this.trainable),
        gamma: own(() => tf.tensor1d(gamma), this.trainable),
        beta: own(() => tf.zeros([H]), this.trainable),
      };
    });
  }

  sites(): readonly Site[] {
    return this.layers.flatMap((l) => [l.dense, l.norm]);
  }

  paramCount(): number {
    return this.allWeights().reduce((s, v) => s + v.size, 0);
  }

  forward(batch: EncodedBatch, calls?: SiteCalls, options: BackboneForwardOptions = {}): BackboneOutput {
    const [B, T, H] = [batch.batch, batch.length, PLANTED.hidden]; // batch, tokens, hidden
    const from = options.from;
    let h = from ? from.hidden : (tf.gather(this.embedding, tf.tensor1d(batch.inputIds, "int32")) as tf.Tensor2D); // [B*T, H]
    const hidden: tf.Tensor3D[] = [tf.reshape(h, [B, T, H])];
    for (const l of this.layers.slice(from?.layer ?? 0)) {
      let y = tf.add(tf.matMul(h, l.w), l.b) as tf.Tensor2D; // [B*T, H]
      if (calls) y = calls.linear(l.dense, h, y);
      let n = tf.add(tf.mul(y, l.gamma), l.beta) as tf.Tensor2D; // [B*T, H], xhat = y
      if (calls) n = calls.norm(l.norm, y, n);
      h = n;
      hidden.push(tf.reshape(h, [B, T, H]));
    }
    const last = hidden[hidden.length - 1]!;
    const pooled = tf.reshape(tf.slice(last, [0, 0, 0], [B, 1, H]), [B, H]) as tf.Tensor2D; // first token
    return { lastHiddenState: last, pooledOutput: pooled, hiddenStates: hidden };
  }

  /** The plain output of the embedding and the first `layers` layers: [B*T, H]. */
  hiddenAt(batch: EncodedBatch, layers: number): tf.Tensor2D {
    const out = this.forward(batch);
    return tf.reshape(out.hiddenStates[layers]!, [batch.batch * batch.length, PLANTED.hidden]) as tf.Tensor2D;
  }

  trainableWeights(): readonly tf.Variable[] {
    return this.trainable ? this.allWeights() : [];
  }

  dispose(): void {
    for (const v of this.allWeights()) v.dispose();
  }

  private allWeights(): tf.Variable[] {
    return [this.embedding, ...this.layers.flatMap((l) => [l.w, l.b, l.gamma, l.beta])];
  }
}

/** A linear classifier on the pooled output. */
export const linearHead: TaskHeadFactory = (numLabels, init) => {
  const rng = new SeededRng(init.seed);
  const weights = {
    weight: own(() => tf.tensor2d(Array.from({ length: PLANTED.hidden }, () => Array.from({ length: numLabels }, () => 0.1 * rng.normal())))),
    bias: own(() => tf.zeros([numLabels])),
  };
  const head: TaskHead = {
    weights,
    apply: (out) => tf.add(tf.matMul(out.pooledOutput, weights.weight), weights.bias) as tf.Tensor2D, // [B, K]
    load: (saved) => {
      for (const [k, v] of Object.entries(weights) as [string, tf.Variable][]) v.assign(saved[k]!);
    },
    dispose: () => Object.values(weights).forEach((v) => v.dispose()),
  };
  return head;
};

const accuracy: TaskObjective = {
  kind: "classification",
  numLabels: 2,
  metric: "accuracy",
  score: (pred, labels) => {
    let right = 0;
    for (let i = 0; i < labels.length; i++) if ((pred[2 * i + 1]! > pred[2 * i]! ? 1 : 0) === labels[i]) right++;
    return right / labels.length;
  },
};

/** n examples: the first token is 1 (label 1) or 2 (label 0), the rest are noise tokens. */
function plantedDataset(n: number, seed: number): Dataset {
  const rng = new SeededRng(seed);
  const T = PLANTED.length;
  const rows = Array.from({ length: n }, (_, i) => {
    const label = i % 2;
    return { label, ids: [label === 1 ? 1 : 2, ...Array.from({ length: T - 1 }, () => 3 + rng.nextInt(PLANTED.vocab - 3))] };
  });
  rng.shuffle(rows);
  return {
    size: n,
    labels: () => Float32Array.from(rows.map((r) => r.label)),
    batch: (indices): LabeledBatch => ({
      batch: indices.length,
      length: T,
      inputIds: Int32Array.from(indices.flatMap((i) => rows[i]!.ids)),
      tokenTypeIds: new Int32Array(indices.length * T),
      attentionMask: new Int32Array(indices.length * T).fill(1),
      labels: Float32Array.from(indices.map((i) => rows[i]!.label)),
    }),
  };
}

export function plantedTask(sizes: { train: number; validation: number; test: number } = { train: 64, validation: 32, test: 32 }): TaskSplits {
  return {
    name: "planted",
    objective: accuracy,
    train: plantedDataset(sizes.train, 11),
    validation: plantedDataset(sizes.validation, 12),
    test: plantedDataset(sizes.test, 13),
  };
}

/** One zero-initialised vector `name` of `size` entries at a site, and the site's delta from it. */
function vectorModule(name: string, size: number, delta: (v: tf.Tensor1D) => PetModule["contribution"]): PetModule {
  const v = own(() => tf.zeros([size])) as tf.Variable<tf.Rank.R1>;
  return {
    weights: { [name]: v },
    contribution: delta(v),
    load: (w) => void v.assign(w[name] as tf.Tensor1D),
    dispose: () => v.dispose(),
  };
}

/** Bias delta on linear sites: delta = b (zeros at init). n = dOut. */
export const tbias: PetMethod = definePetMethod({
  name: "tbias",
  description: "test bias",
  siteKinds: ["linear"],
  options: {},
  lr: 0.05, // the planted tests' run lr, so per-method rates change nothing there
  paramCount: (site) => (site as LinearSite).dOut,
  create: (site) => vectorModule("b", (site as LinearSite).dOut, (b) => ({ kind: "linear", delta: () => b })),
  presets: [{ name: "tbias-all", description: "a bias on every dense", include: ["dense"] }],
});

/** Gain delta on norm sites: delta = g * xhat (zeros at init). n = dim. */
export const tgain: PetMethod = definePetMethod({
  name: "tgain",
  description: "test layer-norm gain",
  siteKinds: ["norm"],
  options: {},
  lr: 0.05,
  paramCount: (site) => (site as NormSite).dim,
  create: (site) => vectorModule("g", (site as NormSite).dim, (g) => ({ kind: "norm", delta: (xhat) => tf.mul(xhat, g) })),
});

/** Low-rank delta on linear sites: delta = x A B (B zeros at init). n = rank * (dIn + dOut). */
export const tlow: PetMethod = definePetMethod({
  name: "tlow",
  description: "test low-rank",
  siteKinds: ["linear"],
  options: { rank: intOption({ default: 1, doc: "rank" }) },
  lr: 0.05,
  paramCount: (site, o) => (o.rank as number) * ((site as LinearSite).dIn + (site as LinearSite).dOut),
  create: (site, o, init) => {
    const s = site as LinearSite;
    const r = o.rank as number;
    const A = own(() => tf.randomNormal([s.dIn, r], 0, 0.5, "float32", init.seed));
    const B = own(() => tf.zeros([r, s.dOut]));
    return {
      weights: { A, B },
      contribution: { kind: "linear", delta: (x) => tf.matMul(tf.matMul(x, A), B) },
      load: (w) => {
        A.assign(w.A as tf.Tensor2D);
        B.assign(w.B as tf.Tensor2D);
      },
      dispose: () => {
        A.dispose();
        B.dispose();
      },
    };
  },
  presets: [{ name: "tlow-dense0", description: "rank-1 at layer 0", include: ["encoder.layer.0.dense"] }],
});

export const TEST_METHODS: readonly PetMethod[] = [tbias, tgain, tlow];

/** How a planted worker misbehaves, to test that failures surface on the main thread. */
export type PlantedFault = "throw" | "exit" | null;

/**
 * The worker-recipe export of the planted task (EngineDeps.workerRecipe): the same backbone, head,
 * task and methods a test passes in-process, rebuilt inside a worker thread. `fault` makes every
 * forward in the worker throw, or the worker thread exit, at its first training step.
 */
export function plantedWorkerDeps(args: { methods: readonly string[]; fault?: PlantedFault }): EvalDeps {
  const fault = args.fault ?? null;
  return {
    createBackbone: (o) => {
      const backbone = new SyntheticBackbone(o);
      if (fault === null) return backbone;
      const forward = backbone.forward.bind(backbone);
      backbone.forward = (batch, calls) => {
        if (fault === "exit") process.exit(3);
        if (fault === "throw") throw new Error("planted failure in a worker's forward");
        return forward(batch, calls);
      };
      return backbone;
    },
    createHead: linearHead,
    task: plantedTask(),
    methods: TEST_METHODS.filter((m) => args.methods.includes(m.name)),
  };
}
