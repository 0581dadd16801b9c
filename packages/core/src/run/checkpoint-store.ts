// CheckpointStore: what `--resume` needs, in checkpoints/: state.json (phase, step,
// data order, RNG state, best-score bookkeeping, the search outcome once known) and one
// .safetensors file of tensors (module and head weights, alpha, AdamW moments, best snapshots).
// Crash safety: the tensors file is written first under a new name, then state.json is replaced
// atomically to point at it, then older tensor files are removed; a kill at any moment leaves a
// state.json whose tensors file exists.
import { existsSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { CheckpointError } from "../errors/s3pet-error.js";
import type { PhaseName } from "../events/events.js";
import { openSafetensors } from "../io/safetensors/open-safetensors.js";
import { writeSafetensors } from "../io/safetensors/write-safetensors.js";
import { writeJsonAtomic } from "../io/write-file-atomic.js";
import type { ParamSnapshot } from "../train/tuned-model.js";
import { readJson, RUN_FILES, type RunDir } from "./run-dir.js";

const STATE_FILE = "state.json";

export interface CheckpointState<B = unknown> {
  readonly format: 1;
  readonly phase: PhaseName | "done";
  readonly step: number;
  /** Wall time of the run so far (all sessions). */
  readonly elapsedMs: number;
  /** The tensors file in checkpoints/. */
  readonly tensors: string;
  /** What the engine needs to continue (JSON). */
  readonly body: B;
}

export interface LoadedCheckpoint<B = unknown> {
  readonly state: CheckpointState<B>;
  readonly tensors: ParamSnapshot;
}

export class CheckpointStore {
  private readonly dir: string;

  constructor(runDir: RunDir) {
    this.dir = runDir.file(RUN_FILES.checkpoints);
  }

  /** Writes a checkpoint; returns the path of state.json. */
  save<B>(phase: PhaseName | "done", step: number, elapsedMs: number, body: B, tensors: ParamSnapshot): string {
    const tensorsFile = `${phase}-${String(step).padStart(7, "0")}.safetensors`;
    writeSafetensors(join(this.dir, tensorsFile), tensors, { format: "s3pet-checkpoint", phase, step: String(step) });
    const state: CheckpointState<B> = { format: 1, phase, step, elapsedMs, tensors: tensorsFile, body };
    const statePath = join(this.dir, STATE_FILE);
    writeJsonAtomic(statePath, state);
    for (const f of readdirSync(this.dir)) {
      if (f.endsWith(".safetensors") && f !== tensorsFile) rmSync(join(this.dir, f), { force: true });
    }
    return statePath;
  }

  /** The last checkpoint, or null when the run never wrote one. */
  load<B>(): LoadedCheckpoint<B> | null {
    const statePath = join(this.dir, STATE_FILE);
    if (!existsSync(statePath)) return null;
    const state = readJson<CheckpointState<B>>(statePath);
    if (state?.format !== 1 || typeof state.tensors !== "string") {
      throw new CheckpointError(`${statePath}: not an s3pet checkpoint of format 1 (start without --resume, or another --out)`);
    }
    const file = openSafetensors(join(this.dir, state.tensors));
    try {
      const tensors: ParamSnapshot = {};
      for (const name of file.names()) {
        const t = file.readFloat32(name);
        tensors[name] = { shape: [...t.shape], data: t.data };
      }
      return { state, tensors };
    } finally {
      file.close();
    }
  }
}
