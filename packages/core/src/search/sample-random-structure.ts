// The random baseline (docs/METHOD.md §6): candidates drawn uniformly *without replacement* from the search
// space, each only among those that still fit the remaining budget, until none fits. Every draw
// removes at least one candidate from the pool, so it terminates, also when every remaining
// candidate is too large (the reference can loop forever there, docs/METHOD.md §9).

/** Indices of the sampled candidates, in draw order; `nextInt(k)` is a seeded generator's integer in [0, k). */
export function sampleRandomStructure(params: readonly number[], budget: number, nextInt: (k: number) => number): number[] {
  let left = budget;
  let pool = params.map((_, i) => i).filter((i) => params[i]! <= left);
  const chosen: number[] = [];
  while (pool.length > 0) {
    const i = pool[nextInt(pool.length)]!;
    chosen.push(i);
    left -= params[i]!;
    pool = pool.filter((j) => j !== i && params[j]! <= left);
  }
  return chosen;
}
