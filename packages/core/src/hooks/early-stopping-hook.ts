// core:early-stopping — ends a training phase (search, re-training) once `patience` validation
// evaluations in a row have not beaten the phase's best score; the run goes on with the next phase
// from the best checkpoint. The count lives in the engine's phase progress, so it survives resume.
import type { SearchHook } from "./search-hook.js";

export function earlyStoppingHook(patience: number): SearchHook {
  return {
    name: "core:early-stopping",
    onEval: (event, ctx) => {
      if (event.split !== "validation") return;
      const progress = ctx.progress();
      if (progress && progress.evalsSinceBest >= patience && progress.step < progress.totalSteps) {
        ctx.endPhase(`no better ${event.metric} in ${patience} evaluations (best ${progress.bestScore} at step ${progress.bestStep})`);
      }
    },
  };
}
