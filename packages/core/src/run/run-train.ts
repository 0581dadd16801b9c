// runTrain: trains a fixed structure (structure.json, preset, random, full) with the re-training protocol.
import type { EngineDeps } from "./engine-deps.js";
import { resolveTrainConfig, type TrainConfig } from "./run-config.js";
import type { RunHandle } from "./run-handle.js";
import { startRun } from "./start-run.js";

/**
 * Starts a train run and returns at once (subscribe to `events$`, then await `result`). Throws
 * S3petInputError synchronously for a bad configuration or an unusable output directory.
 */
export function runTrain(config: Partial<TrainConfig> & Pick<TrainConfig, "structure">, deps: EngineDeps): RunHandle {
  return startRun(resolveTrainConfig(config), deps);
}
