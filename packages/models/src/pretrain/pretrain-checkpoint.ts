// What a pretraining checkpoint keeps besides the engine's PhaseState (weights, AdamW moments, step):
// the time spent, the eval history and a fingerprint of the run's settings that guards `--resume`.
import { CheckpointError } from "@s3pet/core";

/** The pretraining phase's own JSON in a checkpoint. */
export interface PretrainClock {
  /** ISO time the first session started. */
  readonly startedAt?: string;
  /** Wall-clock seconds spent in training steps and evals so far. */
  readonly elapsedSeconds: number;
  /** Seconds spent in training steps only (the tokens/s denominator). */
  readonly trainSeconds: number;
  /** CPU seconds (user + system) spent so far. */
  readonly cpuSeconds: number;
  readonly evals: readonly PretrainEval[];
  /** JSON of the settings that must match for `--resume` (architecture, data, schedule, seed). */
  readonly fingerprint: string;
  /** Data-parallel units the run has used; absent in checkpoints from before it was kept. */
  readonly workers?: number;
}

export interface PretrainEval {
  readonly step: number;
  /** Mean held-out MLM cross-entropy (nats). */
  readonly loss: number;
  /** Held-out accuracy at the masked positions. */
  readonly accuracy: number;
  /** Mean training loss over the steps since the previous eval. */
  readonly trainLoss: number;
}

/** Throws unless a checkpoint in `dir` was made with the same settings. */
export function checkFingerprint(dir: string, saved: string, current: string): void {
  if (saved !== current) {
    throw new CheckpointError(`${dir}: made with different settings (${describeDifference(saved, current)}); resume with the same flags or delete it`);
  }
}

/** Throws unless a checkpoint in `dir` was made on as many data-parallel units: a run is deterministic only
 *  for a given count, so a resumed run keeps it (and its report can state one). */
export function checkWorkers(dir: string, saved: number | undefined, current: number): void {
  if (saved !== undefined && saved !== current) {
    throw new CheckpointError(`${dir}: made on ${saved} data-parallel units; resume with --workers ${saved} (a run is deterministic for a given count) or delete it`);
  }
}

/** The first setting that differs, e.g. `steps: 1200 vs 1500`. */
function describeDifference(saved: string, current: string): string {
  const a = JSON.parse(saved) as Record<string, unknown>;
  const b = JSON.parse(current) as Record<string, unknown>;
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
    if (JSON.stringify(a[key]) !== JSON.stringify(b[key])) return `${key}: ${JSON.stringify(a[key])} in the checkpoint vs ${JSON.stringify(b[key])} now`;
  }
  return "fingerprints differ";
}
