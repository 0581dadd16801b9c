// runTrain: trains a fixed structure (structure.json, preset, random, full) with the re-training protocol.
import type { EngineDeps } from "./engine-deps.js";
import type { RunHandle } from "./run-handle.js";
import type { TrainConfig } from "./run-config.js";

/** Starts a train run; returns at once (subscribe to `events$` before awaiting `result`). */
export function runTrain(config: Partial<TrainConfig> & Pick<TrainConfig, "structure">, deps: EngineDeps): RunHandle {
  void config;
  void deps;
  throw new Error("runTrain: not implemented yet (engine skeleton)");
}
