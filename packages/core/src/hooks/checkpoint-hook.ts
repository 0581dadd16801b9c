// core:checkpoint — the checkpoint policy: asks for a resumable checkpoint every `every` steps of a
// training phase. The engine also writes one at every phase end and on stop(), whatever the policy.
import type { SearchHook } from "./search-hook.js";

export function checkpointHook(every: number): SearchHook {
  return {
    name: "core:checkpoint",
    onStep: (event, ctx) => {
      if (event.step % every === 0 && event.step < event.totalSteps) ctx.requestCheckpoint();
    },
  };
}
