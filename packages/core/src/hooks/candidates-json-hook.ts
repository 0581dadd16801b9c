// core:candidates-json — keeps candidates.json (site, method, options, params, alpha, p of every
// candidate) current: written at run start and refreshed at every validation evaluation of the search.
import { join } from "node:path";
import { writeJsonAtomic } from "../io/write-file-atomic.js";
import type { HookContext, SearchHook } from "./search-hook.js";

const CANDIDATES_FILE = "candidates.json";

export function candidatesJsonHook(): SearchHook {
  const write = (ctx: HookContext) => {
    const candidates = ctx.candidates();
    if (candidates) writeJsonAtomic(join(ctx.outDir, CANDIDATES_FILE), candidates);
  };
  return {
    name: "core:candidates-json",
    onRunStart: (_event, ctx) => write(ctx),
    onEval: (event, ctx) => {
      if (event.split === "validation") write(ctx);
    },
  };
}
