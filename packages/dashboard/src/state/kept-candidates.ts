// keptCandidates: the candidates the run keeps: the chosen structure once it exists, else what greedy
// first-fit over the latest gates would keep if the run discretised now. Derived in render, never stored.
import type { RunState } from "./run-state.js";
import { discretizeGreedy } from "@s3pet/core/events";

export interface KeptCandidates {
  /** Indices into `state.candidates`. */
  readonly indices: ReadonlySet<number>;
  readonly params: number;
  readonly modules: number;
  /** True for the discretised structure, false for the what-if-now estimate. */
  readonly final: boolean;
}

export function keptCandidates(state: RunState): KeptCandidates | null {
  if (state.structure !== null) {
    const methodsAt = new Map<string, Set<string>>(); // site -> chosen methods
    for (const m of state.structure.modules) methodsAt.set(m.site, (methodsAt.get(m.site) ?? new Set()).add(m.method));
    const indices = new Set<number>();
    state.candidates.forEach((c, i) => {
      if (methodsAt.get(c.site)?.has(c.method)) indices.add(i);
    });
    return { indices, params: state.structure.chosenParams, modules: state.structure.modules.length, final: true };
  }
  const budget = state.budget?.budget ?? state.run?.budget ?? null;
  if (state.gates === null || budget === null) return null;
  const params = state.candidates.map((c) => c.params);
  const chosen = discretizeGreedy(params, state.gates.p, budget);
  return { indices: new Set(chosen), params: chosen.reduce((s, i) => s + params[i]!, 0), modules: chosen.length, final: false };
}
