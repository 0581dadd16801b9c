// Statistics over seeds, shared by `s3pet sweep report` and the quality benchmark's tables
// (tools/bench/quality), so both count a win, a tie and a loss the same way.

export interface SeedStats {
  readonly mean: number;
  /** Sample standard deviation (n - 1); 0 for one value. */
  readonly std: number;
  readonly values: readonly number[];
}

/** Mean and sample std of one cell's per-seed scores, or null when there is none. */
export function seedStats(xs: readonly number[]): SeedStats | null {
  if (!xs.length) return null;
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  const std = xs.length > 1 ? Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (xs.length - 1)) : 0;
  return { mean, std, values: xs };
}

/** "win" / "tie" / "loss" of a against b: a tie when the means differ by no more than the larger std.
 *  null when either has fewer than 2 seeds (one seed has no spread to compare against). */
export function compareSeedStats(a: SeedStats | null | undefined, b: SeedStats | null | undefined): "win" | "tie" | "loss" | null {
  if (!a || !b || a.values.length < 2 || b.values.length < 2) return null;
  const d = a.mean - b.mean;
  return Math.abs(d) <= Math.max(a.std, b.std) ? "tie" : d > 0 ? "win" : "loss";
}
