// The resumable state of an MLM pretraining run in one atomically written safetensors file: the
// encoder and head weights, the AdamW moments, and (in the header metadata) the step, the time
// spent and the eval history. One file means a run killed at any moment finds either the previous
// checkpoint or the new one, never a mix. A fingerprint of the run's settings guards `--resume`.
import * as tf from "@tensorflow/tfjs";
import { CheckpointError, openSafetensors, writeSafetensors } from "@s3pet/core";

/** What a checkpoint restores besides tensors. */
export interface PretrainCheckpointState {
  /** Steps completed. */
  readonly step: number;
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

/** Writes every tensor (from the device) and the state; atomic. */
export function writePretrainCheckpoint(path: string, tensors: Readonly<Record<string, tf.Tensor>>, state: PretrainCheckpointState): void {
  const host: Record<string, { shape: number[]; data: Float32Array }> = {};
  for (const [name, t] of Object.entries(tensors)) host[name] = { shape: [...t.shape], data: Float32Array.from(t.dataSync()) };
  writeSafetensors(path, host, { state: JSON.stringify(state) });
}

/** Reads a checkpoint and assigns every tensor in `into` (same names and shapes); returns its state. */
export function readPretrainCheckpoint(path: string, into: Readonly<Record<string, tf.Variable>>, fingerprint: string): PretrainCheckpointState {
  const file = openSafetensors(path);
  try {
    const state = JSON.parse(file.metadata().state ?? "null") as PretrainCheckpointState | null;
    if (state === null) throw new CheckpointError(`${path}: no pretraining state in the header; delete it and start fresh`);
    if (state.fingerprint !== fingerprint) {
      throw new CheckpointError(`${path}: made with different settings (${describeDifference(state.fingerprint, fingerprint)}); resume with the same flags or delete it`);
    }
    const names = new Set(file.names());
    const missing = Object.keys(into).filter((n) => !names.has(n));
    if (missing.length > 0) throw new CheckpointError(`${path}: missing tensors ${missing.slice(0, 5).join(", ")}; delete it and start fresh`);
    for (const [name, variable] of Object.entries(into)) {
      const { shape, data } = file.readFloat32(name);
      if (shape.join() !== variable.shape.join()) {
        throw new CheckpointError(`${path}: '${name}' has shape [${shape}], expected [${variable.shape}]; delete it and start fresh`);
      }
      tf.tidy(() => variable.assign(tf.tensor(data, shape)));
    }
    return state;
  } finally {
    file.close();
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
