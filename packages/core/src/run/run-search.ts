// runSearch: search -> discretise -> re-train -> test (method.md §5-§6), in a run directory.
import type { EngineDeps } from "./engine-deps.js";
import type { RunHandle } from "./run-handle.js";
import type { SearchConfig } from "./run-config.js";

/** Starts a search run; returns at once (subscribe to `events$` before awaiting `result`). */
export function runSearch(config: Partial<SearchConfig>, deps: EngineDeps): RunHandle {
  void config;
  void deps;
  throw new Error("runSearch: not implemented yet (engine skeleton)");
}
