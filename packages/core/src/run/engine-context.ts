// EngineContext: the services of one run, built plainly by startRun and handed to the pipelines
// (SearchRun, TrainRun) and their phases (BiLevelSearch, Trainer). Only what a plugin or embedder may
// replace or extend lives in the DI container (docs/ARCHITECTURE.md "Dependency injection").
import type { HookRunner } from "../hooks/hook-runner.js";
import type { Evaluator } from "../train/evaluator.js";
import type { PhaseLoop } from "../train/phase-loop.js";
import type { EngineDeps } from "./engine-deps.js";
import type { ResolvedRunConfig } from "./run-config.js";
import type { RunControl } from "./run-control.js";
import type { RunDir } from "./run-dir.js";
import type { RunSession } from "./run-session.js";
import type { RunUnits } from "./run-units.js";

export interface EngineContext {
  readonly config: ResolvedRunConfig;
  readonly deps: EngineDeps;
  readonly hooks: HookRunner;
  readonly control: RunControl;
  readonly runDir: RunDir;
  readonly session: RunSession;
  readonly loop: PhaseLoop;
  readonly evaluator: Evaluator;
  /** Compute units of every training phase (the main thread plus `workers - 1` worker threads) and
   *  the examples each runs through the model at once. */
  readonly units: RunUnits;
}
