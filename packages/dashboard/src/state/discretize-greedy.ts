// discretizeGreedy: which candidates the run would keep if it discretised now (docs/METHOD.md §6).
// A small pure copy of core's search/discretize-greedy.ts (same signature and rule; a test holds them
// equal), because the dashboard imports only types from @s3pet/core: it must run on another process's
// events.jsonl without loading tfjs or the engine. Sort by p descending (ties: candidate order), take a
// candidate if its n_i fits in what is left, keep scanning.

/** Indices of the chosen candidates, in the order they were taken. */
export function discretizeGreedy(params: readonly number[], p: ArrayLike<number>, budget: number): number[] {
  const order = params.map((_, i) => i).sort((i, j) => p[j]! - p[i]! || i - j);
  const chosen: number[] = [];
  let left = budget;
  for (const i of order) {
    const n = params[i]!;
    if (n <= left) {
      chosen.push(i);
      left -= n;
    }
  }
  return chosen;
}
