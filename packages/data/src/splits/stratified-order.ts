// Seeded, stratified splitting: a permutation of 0..n-1 in which every class is spread evenly, so any
// prefix of it holds the classes in about their overall proportions. Cutting that permutation at exact
// counts gives splits (and --max-examples caps) with exact sizes and balanced labels.
import type { SeededRng } from "@s3pet/core";

/**
 * `strata[i]` is the class of item i, or null for one stratum (regression). Each stratum is shuffled,
 * its j-th item gets key (j + u) / size, u ~ U(0,1); the items sorted by key interleave the strata.
 */
export function stratifiedOrder(n: number, strata: ArrayLike<number> | null, rng: SeededRng): number[] {
  const groups = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const s = strata ? strata[i]! : 0;
    let g = groups.get(s);
    if (!g) groups.set(s, (g = []));
    g.push(i);
  }
  const keyed: { index: number; key: number }[] = [];
  for (const s of [...groups.keys()].sort((a, b) => a - b)) {
    const members = rng.shuffle(groups.get(s)!);
    members.forEach((index, j) => keyed.push({ index, key: (j + rng.next()) / members.length }));
  }
  return keyed.sort((a, b) => a.key - b.key || a.index - b.index).map((k) => k.index);
}

/** Cuts `order` into consecutive parts of the given sizes; each part is returned in ascending index order. */
export function cutOrder(order: readonly number[], sizes: readonly number[]): number[][] {
  const parts: number[][] = [];
  let at = 0;
  for (const size of sizes) {
    parts.push(order.slice(at, at + size).sort((a, b) => a - b));
    at += size;
  }
  return parts;
}
