// discretizeGreedy (docs/METHOD.md §6): sort candidates by p descending and take each one whose n_i still
// fits in the remaining budget (first-fit, skipping what does not fit and scanning on). The chosen
// count never exceeds the budget. Ties keep index order, so the result is deterministic.

/** Indices of the chosen candidates, in the order they were taken (highest p first). */
export function discretizeGreedy(params: readonly number[], p: ArrayLike<number>, budget: number): number[] {
  if (p.length !== params.length) throw new Error(`discretizeGreedy: ${p.length} probabilities for ${params.length} candidates`);
  const order = params.map((_, i) => i).sort((a, b) => p[b]! - p[a]! || a - b);
  const chosen: number[] = [];
  let left = budget;
  for (const i of order) {
    if (params[i]! <= left) {
      chosen.push(i);
      left -= params[i]!;
    }
  }
  return chosen;
}
