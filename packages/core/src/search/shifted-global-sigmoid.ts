// ShiftedGlobalSigmoid (docs/METHOD.md §3): gate probabilities p_i = sigmoid((alpha_i - b) / beta) with one
// global shift b solved at every forward pass so that the expected parameter count is the budget:
//     sum_i n_i * sigmoid((alpha_i - b) / beta) = B.
// The left side is strictly decreasing in b, so b is unique. We solve it on the host in float64 with a
// safeguarded Newton iteration inside a bisection bracket and *check* the result (relative error
// <= 1e-6, else throw): the reference's unchecked root finder is a known defect (docs/METHOD.md §9).
// The forward value of p comes from the float64 solution (rounded once to float32), so the soft count
// holds the budget to float32 rounding. Gradients w.r.t. alpha are a tf.customGrad with alpha passed
// explicitly (captured variables receive none, docs/BACKEND.md), in one of three modes:
//   implicit    d p_i/d alpha_j = s'_i (delta_ij - db/dalpha_j), db/dalpha_j = n_j s'_j / sum_k n_k s'_k,
//               s'_k = p_k (1 - p_k) / beta  (implicit function theorem: keeps sum n_i p_i fixed)
//   detach-sum  b constant, p <- p * stopgrad(sum p) / sum p (the reference's projection)
//   none        b constant
import * as tf from "@tensorflow/tfjs";
import type { ShiftGradient } from "../run/run-config.js";

export const SHIFT_TOLERANCE = 1e-6;

export interface ShiftSolution {
  /** b */
  readonly shift: number;
  /** p_i in float64. */
  readonly p: Float64Array;
  /** sum_i n_i p_i (equals the budget to SHIFT_TOLERANCE relative). */
  readonly soft: number;
}

/** The logistic function, without overflow for large |x|. */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/**
 * Solves sum_i n_i sigmoid((alpha_i - b)/beta) = budget for b, in float64; throws when the budget is
 * outside (0, sum n_i) or the residual after convergence exceeds SHIFT_TOLERANCE relative.
 */
export function solveShift(alpha: ArrayLike<number>, counts: ArrayLike<number>, budget: number, beta = 1): ShiftSolution {
  const n = counts.length;
  if (alpha.length !== n) throw new Error(`solveShift: ${alpha.length} alphas for ${n} counts`);
  let total = 0;
  for (let i = 0; i < n; i++) total += counts[i]!;
  if (!(budget > 0 && budget < total)) {
    throw new Error(`solveShift: budget ${budget} must be in (0, ${total}) (the sum of the parameter counts)`);
  }
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(alpha[i]!)) throw new Error(`shifted global sigmoid: alpha[${i}] is ${alpha[i]} (lower the structure learning rate, --alpha-lr)`);
    lo = Math.min(lo, alpha[i]!);
    hi = Math.max(hi, alpha[i]!);
  }
  const p = new Float64Array(n);
  // residual(b) = sum n_i p_i(b) - budget (decreasing in b); fills p and returns the slope too.
  const residual = (b: number): { r: number; slope: number } => {
    let sum = 0;
    let slope = 0;
    for (let i = 0; i < n; i++) {
      const pi = sigmoid((alpha[i]! - b) / beta);
      p[i] = pi;
      sum += counts[i]! * pi;
      slope -= (counts[i]! * pi * (1 - pi)) / beta;
    }
    return { r: sum - budget, slope };
  };
  // Bracket: residual(lo) > 0 > residual(hi), widening geometrically (terminates: the limits are
  // total - budget > 0 and -budget < 0).
  for (let step = beta; residual(lo).r <= 0; step *= 2) lo -= step;
  for (let step = beta; residual(hi).r >= 0; step *= 2) hi += step;

  let b = (lo + hi) / 2;
  let { r, slope } = residual(b);
  for (let iter = 0; iter < 200 && Math.abs(r) > 1e-12 * budget; iter++) {
    if (r > 0) lo = b;
    else hi = b;
    const newton = slope < 0 ? b - r / slope : NaN;
    b = newton > lo && newton < hi ? newton : (lo + hi) / 2; // Newton when it stays in the bracket
    if (hi - lo <= 4 * Number.EPSILON * Math.max(1, Math.abs(b))) break;
    ({ r, slope } = residual(b));
  }
  ({ r } = residual(b));
  if (!(Math.abs(r) <= SHIFT_TOLERANCE * budget)) {
    throw new Error(
      `shifted global sigmoid: could not solve the shift (relative error ${Math.abs(r) / budget} > ${SHIFT_TOLERANCE}, ` +
        `budget ${budget} of ${total}); lower the structure learning rate (--alpha-lr) or raise the temperature`,
    );
  }
  return { shift: b, p, soft: r + budget };
}

export interface SgsOptions {
  /** beta. @default 1 */
  readonly temperature?: number;
  /** @default "implicit" */
  readonly gradient?: ShiftGradient;
}

/** p(alpha) under a fixed budget, differentiable; remembers the last solution for events. */
export class ShiftedGlobalSigmoid {
  readonly temperature: number;
  readonly gradient: ShiftGradient;
  private lastSolution: ShiftSolution | null = null;

  constructor(
    readonly counts: readonly number[],
    readonly budget: number,
    opts: SgsOptions = {},
  ) {
    this.temperature = opts.temperature ?? 1;
    this.gradient = opts.gradient ?? "implicit";
  }

  /** Solves the shift for host values of alpha (no tensors). */
  solve(alpha: ArrayLike<number>): ShiftSolution {
    const s = solveShift(alpha, this.counts, this.budget, this.temperature);
    this.lastSolution = s;
    return s;
  }

  /** The solution of the last `solve` or `probabilities` call. */
  get last(): ShiftSolution | null {
    return this.lastSolution;
  }

  /** p [C] from alpha [C], with gradients w.r.t. alpha per `gradient`. Call inside tf.tidy. */
  probabilities(alpha: tf.Tensor1D): tf.Tensor1D {
    const sgs = tf.customGrad(((a: tf.Tensor) => {
      const sol = this.solve(a.dataSync());
      const { p } = sol;
      const n = this.counts;
      const beta = this.temperature;
      const mode = this.gradient;
      const value = tf.tensor1d(Float32Array.from(p));
      const gradFunc = (dy: tf.Tensor): tf.Tensor => {
        const g = dy.dataSync(); // [C]
        const C = p.length;
        const ds = new Float64Array(C); // s'_i = p_i (1 - p_i) / beta
        for (let i = 0; i < C; i++) ds[i] = (p[i]! * (1 - p[i]!)) / beta;
        const out = new Float32Array(C);
        if (mode === "implicit") {
          let gs = 0; // sum_i dy_i s'_i
          let ns = 0; // sum_k n_k s'_k
          for (let i = 0; i < C; i++) {
            gs += g[i]! * ds[i]!;
            ns += n[i]! * ds[i]!;
          }
          for (let j = 0; j < C; j++) out[j] = g[j]! * ds[j]! - (gs * n[j]! * ds[j]!) / ns;
        } else if (mode === "detach-sum") {
          let S = 0; // sum p
          let gp = 0; // sum dy_i p_i
          for (let i = 0; i < C; i++) {
            S += p[i]!;
            gp += g[i]! * p[i]!;
          }
          for (let j = 0; j < C; j++) out[j] = (g[j]! - gp / S) * ds[j]!;
        } else {
          for (let j = 0; j < C; j++) out[j] = g[j]! * ds[j]!;
        }
        return tf.tensor1d(out);
      };
      return { value, gradFunc };
    }) as Parameters<typeof tf.customGrad<tf.Tensor1D>>[0]);
    return sgs(alpha) as tf.Tensor1D;
  }
}
