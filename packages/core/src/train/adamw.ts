// AdamW for one parameter group (docs/METHOD.md §5): decoupled weight decay, bias-corrected moments,
// a learning rate decayed linearly to 0 over `totalSteps`, and gradient-norm clipping over the group.
// The moments are tf.Variables owned (and disposed) here; `state()`/`loadState()` move them and the
// step count through checkpoints exactly, so a resumed run continues bit for bit.
import * as tf from "@tensorflow/tfjs";
import { CheckpointError } from "../errors/s3pet-error.js";

export interface AdamWOptions {
  readonly lr: number;
  readonly weightDecay: number;
  /** Clip the group's gradient norm to this (docs/METHOD.md §5: 2.0). */
  readonly maxGradNorm: number;
  /** The learning rate reaches 0 after this many steps. */
  readonly totalSteps: number;
  readonly beta1?: number;
  readonly beta2?: number;
  readonly eps?: number;
}

/** A trainable variable with a stable name (`<candidate key>/<weight>`, `head/<weight>`, ...). */
export interface NamedParam {
  readonly key: string;
  readonly variable: tf.Variable;
}

export interface AdamWState {
  readonly t: number;
  /** Moments by param key. */
  readonly m: Record<string, { shape: number[]; data: Float32Array }>;
  readonly v: Record<string, { shape: number[]; data: Float32Array }>;
}

export interface AdamWStep {
  /** The group's gradient norm before clipping. */
  readonly gradNorm: number;
  readonly lr: number;
}

export class AdamW {
  private readonly m: tf.Variable[];
  private readonly v: tf.Variable[];
  private t = 0;
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly eps: number;

  constructor(
    readonly params: readonly NamedParam[],
    readonly opts: AdamWOptions,
  ) {
    this.beta1 = opts.beta1 ?? 0.9;
    this.beta2 = opts.beta2 ?? 0.999;
    this.eps = opts.eps ?? 1e-8;
    this.m = params.map((p) => tf.tidy(() => tf.variable(tf.zerosLike(p.variable), false)));
    this.v = params.map((p) => tf.tidy(() => tf.variable(tf.zerosLike(p.variable), false)));
  }

  /** Steps taken so far. */
  get step(): number {
    return this.t;
  }

  /** The learning rate of the next step: lr * (1 - t / totalSteps), never below 0. */
  lrNow(): number {
    return this.opts.lr * Math.max(0, 1 - this.t / this.opts.totalSteps);
  }

  /** The gradient norm of `grads` (by variable name), as a host number. */
  gradNorm(grads: tf.NamedTensorMap): number {
    return tf.tidy(() => {
      const squares = this.params.flatMap((p) => {
        const g = grads[p.variable.name];
        return g ? [tf.sum(tf.square(g))] : [];
      });
      return squares.length ? Math.sqrt(tf.addN(squares).dataSync()[0]!) : 0;
    });
  }

  /**
   * Applies one update from `grads` (keyed by tf variable name, as tf.variableGrads returns them).
   * Parameters without a gradient (not reached by the loss) are left untouched. Throws (and changes
   * nothing) when the gradient norm is not finite.
   */
  apply(grads: tf.NamedTensorMap, onNonFinite: (norm: number) => never): AdamWStep {
    const norm = this.gradNorm(grads);
    if (!Number.isFinite(norm)) onNonFinite(norm);
    const lr = this.lrNow();
    this.t += 1;
    const scale = norm > this.opts.maxGradNorm ? this.opts.maxGradNorm / (norm + 1e-6) : 1;
    const { beta1: b1, beta2: b2, eps } = this;
    const c1 = 1 - b1 ** this.t;
    const c2 = 1 - b2 ** this.t;
    const wd = this.opts.weightDecay;
    tf.tidy(() => {
      this.params.forEach((p, i) => {
        const raw = grads[p.variable.name];
        if (!raw) return;
        const g = scale === 1 ? raw : tf.mul(raw, scale);
        const m = tf.add(tf.mul(this.m[i]!, b1), tf.mul(g, 1 - b1));
        const v = tf.add(tf.mul(this.v[i]!, b2), tf.mul(tf.square(g), 1 - b2));
        this.m[i]!.assign(m);
        this.v[i]!.assign(v);
        const update = tf.div(tf.div(m, c1), tf.add(tf.sqrt(tf.div(v, c2)), eps)); // mhat / (sqrt(vhat) + eps)
        let next = tf.sub(p.variable, tf.mul(update, lr));
        if (wd > 0) next = tf.sub(next, tf.mul(p.variable, lr * wd));
        p.variable.assign(next);
      });
    });
    return { gradNorm: norm, lr };
  }

  state(): AdamWState {
    const read = (vars: tf.Variable[]) =>
      Object.fromEntries(this.params.map((p, i) => [p.key, { shape: [...vars[i]!.shape], data: vars[i]!.dataSync() as Float32Array }]));
    return { t: this.t, m: read(this.m), v: read(this.v) };
  }

  loadState(s: AdamWState): void {
    this.params.forEach((p, i) => {
      for (const [which, vars] of [["m", this.m], ["v", this.v]] as const) {
        const saved = s[which][p.key];
        if (!saved || saved.data.length !== vars[i]!.size) {
          throw new CheckpointError(`optimizer state for '${p.key}' (${which}) is missing or has the wrong size in the checkpoint (start without --resume)`);
        }
        tf.tidy(() => vars[i]!.assign(tf.tensor(saved.data, vars[i]!.shape)));
      }
    });
    this.t = s.t;
  }

  dispose(): void {
    for (const x of [...this.m, ...this.v]) x.dispose();
  }
}
