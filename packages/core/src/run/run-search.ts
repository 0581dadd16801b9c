// runSearch: search -> discretise -> re-train -> test (docs/METHOD.md §5-§6), in a run directory.
import type { EngineDeps } from "./engine-deps.js";
import { resolveSearchConfig, type SearchConfig } from "./run-config.js";
import type { RunHandle } from "./run-handle.js";
import { startRun } from "./start-run.js";

/**
 * Starts a search run and returns at once (subscribe to `events$`, then await `result`). Throws
 * S3petInputError synchronously for a bad configuration or an unusable output directory; later
 * problems (budget, plugins, data) reject `result` after an `error` event.
 */
export function runSearch(config: Partial<SearchConfig>, deps: EngineDeps): RunHandle {
  return startRun(resolveSearchConfig(config), deps);
}
