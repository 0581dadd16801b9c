// AdamW over parameter groups (docs/METHOD.md §5): decoupled weight decay, bias-corrected moments, a
// learning rate decayed linearly to 0 over `totalSteps` (after an optional linear warmup, as
// pretraining uses), and gradient-norm clipping. The engine's only optimiser. A parameter may
// carry its own lr and weight decay (its group: e.g. one PET method's modules, or pretraining's
// undecayed biases and LayerNorm parameters with weight decay 0); the schedule factor
// and the clipping are shared. Clipping is global (one norm over every parameter, as
// torch.nn.utils.clip_grad_norm_ over all trainable parameters): per-group clipping would rescale
// groups against each other and change the update's direction, and with one group both are the same.
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
  /** Linear warmup from 0 over this many steps before the decay. @default 0 */
  readonly warmupSteps?: number;
  readonly beta1?: number;
  readonly beta2?: number;
  readonly eps?: number;
}

/** A trainable variable with a stable name (`<candidate key>/<weight>`, `head/<weight>`, ...). */
export interface NamedParam {
  readonly key: string;
  readonly variable: tf.Variable;
  /** This parameter's group lr (before the schedule); the optimizer's `lr` when absent. */
  readonly lr?: number;
  /** This parameter's group weight decay; the optimizer's `weightDecay` when absent. */
  readonly weightDecay?: number;
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

  /** The schedule factor of the next step (warmupLinearDecay at step t with peak 1). */
  private factor(): number {
    return warmupLinearDecay(this.t, 1, this.opts.warmupSteps ?? 0, this.opts.totalSteps);
  }

  /** The base learning rate of the next step: lr on the shared schedule. */
  lrNow(): number {
    return this.opts.lr * this.factor();
  }

  /** The learning rate `param` gets at the next step: its group's lr on the shared schedule. */
  lrOf(param: NamedParam): number {
    return (param.lr ?? this.opts.lr) * this.factor();
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
   * The update `apply` would subtract from each parameter (lr * mhat / (sqrt(vhat) + eps) + lr * wd * w,
   * by variable name), computed from the current moments without changing any state; the gradient is
   * clipped as in `apply`. The second-order search uses it for its virtual step. Call inside tf.tidy.
   */
  peekUpdate(grads: tf.NamedTensorMap): tf.NamedTensorMap {
    const scale = this.clipScale(this.gradNorm(grads));
    const out: tf.NamedTensorMap = {};
    this.params.forEach((p, i) => {
      const raw = grads[p.variable.name];
      if (raw) out[p.variable.name] = this.next(i, raw, scale, this.t + 1).update;
    });
    return out;
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
    const scale = this.clipScale(norm);
    const t = this.t + 1;
    tf.tidy(() => {
      this.params.forEach((p, i) => {
        const raw = grads[p.variable.name];
        if (!raw) return;
        const { m, v, update } = this.next(i, raw, scale, t);
        this.m[i]!.assign(m);
        this.v[i]!.assign(v);
        p.variable.assign(tf.sub(p.variable, update));
      });
    });
    this.t = t;
    return { gradNorm: norm, lr };
  }

  /** Global-norm clipping: the factor every gradient is scaled by. */
  private clipScale(norm: number): number {
    return norm > this.opts.maxGradNorm ? this.opts.maxGradNorm / (norm + 1e-6) : 1;
  }

  /** Parameter i's new moments and update (lr * mhat / (sqrt(vhat) + eps) + lr * wd * w) as step t,
   *  on its group's lr at the current point of the schedule. */
  private next(i: number, raw: tf.Tensor, scale: number, t: number): { m: tf.Tensor; v: tf.Tensor; update: tf.Tensor } {
    const p = this.params[i]!;
    const { beta1: b1, beta2: b2, eps } = this;
    const lr = this.lrOf(p);
    const wd = p.weightDecay ?? this.opts.weightDecay;
    const g = scale === 1 ? raw : tf.mul(raw, scale);
    const m = tf.add(tf.mul(this.m[i]!, b1), tf.mul(g, 1 - b1));
    const v = tf.add(tf.mul(this.v[i]!, b2), tf.mul(tf.square(g), 1 - b2));
    const mhat = tf.div(m, 1 - b1 ** t);
    const vhat = tf.div(v, 1 - b2 ** t);
    const step = tf.mul(tf.div(mhat, tf.add(tf.sqrt(vhat), eps)), lr);
    return { m, v, update: wd > 0 ? tf.add(step, tf.mul(p.variable, lr * wd)) : step };
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

/**
 * The learning rate at step `step` (0-based): linear warmup from 0 to `peak` over `warmupSteps`, then
 * linear decay to 0 at `totalSteps`; without warmup, peak * (1 - step / totalSteps).
 */
export function warmupLinearDecay(step: number, peak: number, warmupSteps: number, totalSteps: number): number {
  if (step < warmupSteps) return (peak * (step + 1)) / warmupSteps;
  if (warmupSteps === 0) return peak * Math.max(0, 1 - step / totalSteps);
  return (peak * Math.max(0, totalSteps - step)) / Math.max(1, totalSteps - warmupSteps);
}
