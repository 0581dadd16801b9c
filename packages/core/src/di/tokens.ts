// Typed injection tokens of a run's container (docs/ARCHITECTURE.md, convention §10): symbols, never strings. Every engine
// service takes its dependencies through `@inject(<Token>)`, so resolution works under tsc, vitest
// and esbuild alike (docs/BACKEND.md "Toolchain" §2). One child container per run: two runs never share state.
import type { InjectionToken } from "tsyringe";
import type { SearchHook } from "../hooks/search-hook.js";
import type { EngineDeps } from "../run/engine-deps.js";
import type { ResolvedRunConfig } from "../run/run-config.js";

/** The resolved configuration of the run (search or train). */
export const RunConfigToken: InjectionToken<ResolvedRunConfig> = Symbol("RunConfig");
/** What the caller provides: backbone and head factories, the task, the methods, the output dir. */
export const EngineDepsToken: InjectionToken<EngineDeps> = Symbol("EngineDeps");
/** Lifecycle hooks; multi-injected (`@injectAll(SearchHookToken, { isOptional: true })`). */
export const SearchHookToken: InjectionToken<SearchHook> = Symbol("SearchHook");
