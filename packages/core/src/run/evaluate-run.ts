// evaluateRun: rebuilds a finished run's model from adapter/ and re-scores it on validation and test.
import type { EvalDeps } from "./engine-deps.js";
import type { SplitScores } from "./run-results.js";

export interface EvaluateRunResult extends SplitScores {
  readonly metric: string;
  /** results.json's retrained scores, for comparison (null when the run has no results.json). */
  readonly recorded: SplitScores | null;
}

/** Re-scores the adapter saved in `runDir`; `deps.methods` must include every method it uses. */
export async function evaluateRun(runDir: string, deps: EvalDeps): Promise<EvaluateRunResult> {
  void runDir;
  void deps;
  throw new Error("evaluateRun: not implemented yet (engine skeleton)");
}
