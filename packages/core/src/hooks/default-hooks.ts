// The core's own hooks, in one list so the pipeline is visible in one place (docs/ARCHITECTURE.md, convention §4); `null`
// marks a hook the configuration switches off.
import type { CommonConfig } from "../run/run-config.js";
import { candidatesJsonHook } from "./candidates-json-hook.js";
import { checkpointHook } from "./checkpoint-hook.js";
import { earlyStoppingHook } from "./early-stopping-hook.js";
import { eventsJsonlHook } from "./events-jsonl-hook.js";
import type { SearchHook } from "./search-hook.js";

export function defaultHooks(config: Pick<CommonConfig, "checkpointEvery" | "patience">): SearchHook[] {
  const hooks: (SearchHook | null)[] = [
    eventsJsonlHook(),
    candidatesJsonHook(),
    checkpointHook(config.checkpointEvery),
    config.patience === null ? null : earlyStoppingHook(config.patience),
  ];
  return hooks.filter((h): h is SearchHook => h !== null);
}
