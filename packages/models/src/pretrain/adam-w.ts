// AdamW (Loshchilov & Hutter 2019): Adam with weight decay decoupled from the gradient,
//   m <- b1 m + (1-b1) g;  v <- b2 v + (1-b2) g^2;  w <- w - lr (m_hat / (sqrt(v_hat) + eps) + wd w),
// with the learning rate given per step (schedules live with the caller) and gradients clipped by
// their global L2 norm first. The moments are plain variables owned here, so a checkpoint can save
// and restore them exactly (tf.train.adam keeps its slots private and its learning rate fixed).
import * as tf from "@tensorflow/tfjs";

export interface AdamWOptions {
  /** @default 0.9 */
  readonly beta1?: number;
  /** @default 0.999 */
  readonly beta2?: number;
  /** @default 1e-6 (BERT's) */
  readonly epsilon?: number;
  /** Decoupled decay, applied only to the parameters named in `decayed`. @default 0.01 */
  readonly weightDecay?: number;
  /** Clip the gradients' global L2 norm to this before the update; 0 disables. @default 1 */
  readonly maxGradNorm?: number;
}

export interface AdamWStepResult {
  /** Global gradient norm before clipping. */
  readonly gradNorm: number;
}

export class AdamW {
  private readonly m: tf.Variable[];
  private readonly v: tf.Variable[];
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly epsilon: number;
  private readonly weightDecay: number;
  private readonly maxGradNorm: number;
  /** Number of updates applied so far (the bias correction uses it). */
  private updates = 0;

  /** `params[i]` is decayed when `decayed[i]` is true (weights, not biases or LayerNorm parameters). */
  constructor(
    private readonly params: readonly tf.Variable[],
    private readonly decayed: readonly boolean[],
    options: AdamWOptions = {},
  ) {
    if (decayed.length !== params.length) throw new RangeError(`decayed has ${decayed.length} entries for ${params.length} params`);
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? 1e-6;
    this.weightDecay = options.weightDecay ?? 0.01;
    this.maxGradNorm = options.maxGradNorm ?? 1;
    this.m = params.map((p) => tf.tidy(() => tf.variable(tf.zerosLike(p), false)));
    this.v = params.map((p) => tf.tidy(() => tf.variable(tf.zerosLike(p), false)));
  }

  /** Applies one update with `grads[i]` for `params[i]` (the caller disposes the grads). */
  apply(grads: readonly tf.Tensor[], learningRate: number): AdamWStepResult {
    if (grads.length !== this.params.length) throw new RangeError(`got ${grads.length} gradients for ${this.params.length} params`);
    this.updates++;
    const t = this.updates;
    const lrHat = (learningRate * Math.sqrt(1 - this.beta2 ** t)) / (1 - this.beta1 ** t);
    const gradNorm = tf.tidy(() => tf.sqrt(tf.addN(grads.map((g) => tf.sum(tf.square(g))))).dataSync()[0]!);
    const clip = this.maxGradNorm > 0 && gradNorm > this.maxGradNorm ? this.maxGradNorm / gradNorm : 1;
    // The epsilon is scaled like the bias-corrected form: m_hat / (sqrt(v_hat) + eps).
    const eps = this.epsilon * Math.sqrt(1 - this.beta2 ** t);
    this.params.forEach((p, i) => {
      // One tidy per parameter: its temporaries are freed before the next, which keeps the peak low.
      tf.tidy(() => {
        const g = clip === 1 ? grads[i]! : tf.mul(grads[i]!, clip);
        const m = tf.add(tf.mul(this.m[i]!, this.beta1), tf.mul(g, 1 - this.beta1));
        const v = tf.add(tf.mul(this.v[i]!, this.beta2), tf.mul(tf.square(g), 1 - this.beta2));
        this.m[i]!.assign(m);
        this.v[i]!.assign(v);
        let update = tf.mul(tf.div(m, tf.add(tf.sqrt(v), eps)), lrHat);
        if (this.decayed[i] && this.weightDecay > 0) update = tf.add(update, tf.mul(p, learningRate * this.weightDecay));
        p.assign(tf.sub(p, update));
      });
    });
    return { gradNorm };
  }

  /** The moment variables by name (`m.<i>`, `v.<i>` in parameter order), for checkpoints. */
  slots(): Record<string, tf.Variable> {
    const slots: Record<string, tf.Variable> = {};
    this.params.forEach((_, i) => {
      slots[`m.${i}`] = this.m[i]!;
      slots[`v.${i}`] = this.v[i]!;
    });
    return slots;
  }

  /** Continues from a checkpoint whose slots were assigned: `updates` were already applied. */
  resumeAt(updates: number): void {
    this.updates = updates;
  }

  dispose(): void {
    for (const t of [...this.m, ...this.v]) t.dispose();
  }
}

/** Linear warmup from 0 to `peak` over `warmupSteps`, then linear decay to 0 at `totalSteps`. */
export function warmupLinearDecay(step: number, peak: number, warmupSteps: number, totalSteps: number): number {
  if (step < warmupSteps) return (peak * (step + 1)) / warmupSteps;
  return (peak * Math.max(0, totalSteps - step)) / Math.max(1, totalSteps - warmupSteps);
}
