// startRun: one child DI container per run (docs/ARCHITECTURE.md, convention §10), the core hooks and the caller's hooks
// registered under SearchHookToken, and a RunHandle returned before any work starts. Work begins on
// the next macrotask, so a caller that subscribes to `events$` right after the call sees run-start.
// A failure publishes `error` and `run-end` (status failed), completes the stream and rejects `result`.
import { container as rootContainer, type DependencyContainer } from "tsyringe";
import { EngineDepsToken, RunConfigToken, SearchHookToken } from "../di/tokens.js";
import { S3petInputError } from "../errors/s3pet-error.js";
import { EventBus } from "../events/event-bus.js";
import { defaultHooks } from "../hooks/default-hooks.js";
import { HookRunner } from "../hooks/hook-runner.js";
import { asOutOfMemory } from "../plan/out-of-memory.js";
import { Evaluator } from "../train/evaluator.js";
import { PhaseLoop } from "../train/phase-loop.js";
import { CheckpointStore } from "./checkpoint-store.js";
import { resolveRunUnits, type RunUnits } from "./run-units.js";
import type { EngineContext } from "./engine-context.js";
import type { EngineDeps } from "./engine-deps.js";
import type { ResolvedRunConfig } from "./run-config.js";
import { RunControl } from "./run-control.js";
import { prepareRunDir, readRunJson, RunDir } from "./run-dir.js";
import type { RunHandle, RunResult } from "./run-handle.js";
import { RunSession } from "./run-session.js";
import { SearchRun } from "./search-run.js";
import { TrainRun } from "./train-run.js";

/** What the run's container holds besides config, deps and hooks: what hooks and plugins may resolve. */
const CONTAINER_SERVICES = [EventBus, RunControl, HookRunner] as const;

/**
 * Validates the run directory and takes its lock (throws S3petInputError at once for a non-empty one
 * without resume, or one another process writes to), builds the run's container and starts `config.command`'s pipeline. On resume the run continues
 * with the configuration saved in its run.json; differing given settings are reported as warnings.
 */
export function startRun(given: ResolvedRunConfig, deps: EngineDeps): RunHandle {
  const units = (c: ResolvedRunConfig) => resolveRunUnits(c, c.batchSize, deps.workerRecipe !== undefined, deps.unitsFit);
  const fresh = units(given); // a worker count this caller cannot start fails before anything is written
  const { resumed, lock } = prepareRunDir(deps.outDir, given.resume, given.command);
  let started: { config: ResolvedRunConfig; ignored: string[]; units: RunUnits };
  try {
    if (resumed) {
      const saved = savedConfig(deps.outDir, given);
      started = { ...saved, units: units(saved.config) };
    } else started = { config: given, ignored: [], units: fresh };
  } catch (error) {
    lock.release();
    throw error;
  }
  const { config, ignored } = started;

  const c = createRunContainer(config, deps);
  const hooks = c.resolve(HookRunner);
  const control = c.resolve(RunControl);
  const bus = c.resolve(EventBus);
  const ctx = engineContext(config, deps, hooks, control, started.units);

  const result = (async (): Promise<RunResult> => {
    await new Promise((r) => setImmediate(r));
    try {
      for (const key of ignored) hooks.log(`resume continues with the run's saved settings; ignored the new value of ${key}`, "warn", "core:resume");
      const pipeline = config.command === "search" ? new SearchRun(ctx, config) : new TrainRun(ctx, config);
      return await pipeline.run(resumed);
    } catch (thrown) {
      const error = asOutOfMemory(thrown);
      const message = error instanceof Error ? error.message : String(error);
      bus.emit({ type: "error", time: Date.now(), message, fatal: true });
      await hooks.publish({ type: "run-end", time: Date.now(), status: "failed", elapsedMs: Math.round(ctx.session.elapsedMs()) }).catch(() => undefined);
      throw error;
    } finally {
      hooks.complete();
      lock.release();
    }
  })();
  return { outDir: deps.outDir, events$: bus.events$, result, stop: () => control.requestStop() };
}

/** The engine's own services of a run, constructed plainly (nothing replaces them). */
function engineContext(config: ResolvedRunConfig, deps: EngineDeps, hooks: HookRunner, control: RunControl, units: RunUnits): EngineContext {
  const runDir = new RunDir(deps.outDir);
  return {
    config,
    deps,
    hooks,
    control,
    runDir,
    session: new RunSession(new CheckpointStore(runDir), hooks, runDir),
    loop: new PhaseLoop(hooks, control, deps.task.objective.metric),
    evaluator: new Evaluator(deps.task, { ...config, microBatchSize: units.microBatchSize }),
    units,
  };
}

/** A child container with the run's config, deps, event bus, control, hook runner and hooks. */
export function createRunContainer(config: ResolvedRunConfig, deps: EngineDeps, parent: DependencyContainer = rootContainer): DependencyContainer {
  const c = parent.createChildContainer();
  c.register(RunConfigToken, { useValue: config });
  c.register(EngineDepsToken, { useValue: deps });
  for (const service of CONTAINER_SERVICES) c.registerSingleton(service as never);
  for (const hook of [...defaultHooks(config), ...(deps.hooks ?? [])]) c.register(SearchHookToken, { useValue: hook });
  deps.configureContainer?.(c);
  return c;
}

/** The run.json configuration with `resume` on, and the keys whose given value it overrides. */
function savedConfig(outDir: string, given: ResolvedRunConfig): { config: ResolvedRunConfig; ignored: string[] } {
  const saved = readRunJson(outDir);
  if (saved.command !== given.command) {
    throw new S3petInputError(`'${outDir}' holds a ${saved.command} run; resume it with \`s3pet ${saved.command} --resume\``);
  }
  // The worker count and micro-batch size may change on resume (the run then continues
  // deterministically for the new ones): they split the work, not the arithmetic's intent.
  const config = { ...saved.config, resume: true, workers: given.workers, microBatchSize: given.microBatchSize } as ResolvedRunConfig;
  const ignored = Object.keys(given).filter(
    (k) => !["resume", "name", "workers", "microBatchSize"].includes(k) && JSON.stringify((given as unknown as Record<string, unknown>)[k]) !== JSON.stringify((config as unknown as Record<string, unknown>)[k]),
  );
  return { config, ignored };
}
