// PhaseState: the resumable part of a training phase that every phase shares — the trained values,
// the optimisers' moments and step counts, the best validation snapshot and its score — and the one
// place that names their checkpoint tensor keys: `current/<param>`, `adam.<group>.m/<param>`,
// `adam.<group>.v/<param>`, `best/<param>`. Phases add their own JSON (data order, RNG state).
import type { AdamW, NamedParam } from "./adamw.js";
import { loadProgress, saveProgress, type LoopProgress, type SavedProgress } from "./phase-loop.js";
import { restoreParams, snapshotParams, type ParamSnapshot } from "./tuned-model.js";

/** The JSON part of PhaseState in a checkpoint. */
export interface SavedPhaseState {
  readonly loop: SavedProgress;
  /** Steps taken by each optimiser group. */
  readonly adamSteps: Readonly<Record<string, number>>;
  /** The raw validation score of the best checkpoint (NaN is saved as null). */
  readonly bestScore: number | null;
}

export class PhaseState {
  private best: ParamSnapshot | null = null;
  /** The raw validation score of the best snapshot (NaN for an undefined metric). */
  bestScore: number | null = null;

  constructor(
    /** Every trained parameter, in a fixed order. */
    private readonly params: readonly NamedParam[],
    /** Optimisers by group name (`weights`, `alpha`). */
    private readonly optimisers: Readonly<Record<string, AdamW>>,
  ) {}

  /** Restores values, moments, steps and the best snapshot from a checkpoint; returns the loop's progress. */
  restore(saved: SavedPhaseState, tensors: ParamSnapshot): LoopProgress {
    restoreParams(this.params, unprefixed("current/", tensors), "checkpoint");
    for (const [group, opt] of Object.entries(this.optimisers)) {
      opt.loadState({ t: saved.adamSteps[group] ?? 0, m: unprefixed(`adam.${group}.m/`, tensors), v: unprefixed(`adam.${group}.v/`, tensors) });
    }
    const best = unprefixed("best/", tensors);
    this.best = Object.keys(best).length ? best : null;
    this.bestScore = saved.bestScore;
    return loadProgress(saved.loop);
  }

  /** Snapshots the current values as the best, with their validation score. */
  markBest(score: number): void {
    this.best = snapshotParams(this.params);
    this.bestScore = score;
  }

  /** Puts the best snapshot's values back (no-op without one). */
  restoreBest(): void {
    if (this.best) restoreParams(this.params, this.best, "best checkpoint");
  }

  /** The checkpoint of the phase at `progress`: the shared JSON and every tensor. */
  save(progress: LoopProgress): { readonly state: SavedPhaseState; readonly tensors: ParamSnapshot } {
    let tensors: ParamSnapshot = prefixed("current/", snapshotParams(this.params));
    const adamSteps: Record<string, number> = {};
    for (const [group, opt] of Object.entries(this.optimisers)) {
      const s = opt.state();
      tensors = { ...tensors, ...prefixed(`adam.${group}.m/`, s.m), ...prefixed(`adam.${group}.v/`, s.v) };
      adamSteps[group] = opt.step;
    }
    if (this.best) tensors = { ...tensors, ...prefixed("best/", this.best) };
    const bestScore = this.bestScore !== null && Number.isFinite(this.bestScore) ? this.bestScore : null;
    return { state: { loop: saveProgress(progress), adamSteps, bestScore }, tensors };
  }
}

/** Prefixes every key of a snapshot (`best/`, `adam.weights.m/` ...). */
function prefixed(prefix: string, snap: ParamSnapshot): ParamSnapshot {
  return Object.fromEntries(Object.entries(snap).map(([k, v]) => [`${prefix}${k}`, v]));
}

/** The entries of `snap` under `prefix`, with the prefix removed. */
function unprefixed(prefix: string, snap: ParamSnapshot): ParamSnapshot {
  return Object.fromEntries(Object.entries(snap).filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), v]));
}
