// HookRunner: publishes every event of a run. For an event with a hook (run-start -> onRunStart,
// step -> onStep, ...) the hooks run first: sequential kinds one after another, awaited in order;
// parallel kinds started together and awaited together (docs/ARCHITECTURE.md, convention §4). Then the event goes to
// `events$`. Order: hooks with order "pre", then those without, then "post"; registration order within.
import { inject, injectAll, injectable } from "tsyringe";
import { EngineDepsToken, SearchHookToken } from "../di/tokens.js";
import { EventBus } from "../events/event-bus.js";
import type { RunInfo, S3petEvent } from "../events/events.js";
import type { EngineDeps } from "../run/engine-deps.js";
import { RunControl } from "../run/run-control.js";
import {
  HOOK_OF_EVENT,
  PARALLEL_HOOKS,
  type HookContext,
  type HookName,
  type ParallelHooks,
  type SearchHook,
  type SequentialHooks,
} from "./search-hook.js";

type EventOfHook<H extends HookName> = Parameters<NonNullable<SearchHook[H]>>[0];

@injectable()
export class HookRunner {
  private readonly hooks: readonly SearchHook[];
  private runInfo: RunInfo | null = null;

  constructor(
    @injectAll(SearchHookToken, { isOptional: true }) hooks: SearchHook[],
    @inject(EventBus) private readonly bus: EventBus,
    @inject(RunControl) private readonly control: RunControl,
    @inject(EngineDepsToken) private readonly deps: Pick<EngineDeps, "outDir">,
  ) {
    const rank = (h: SearchHook) => (h.order === "pre" ? 0 : h.order === "post" ? 2 : 1);
    this.hooks = (hooks ?? []).map((h, i) => ({ h, i })).sort((a, b) => rank(a.h) - rank(b.h) || a.i - b.i).map((x) => x.h);
  }

  get events$() {
    return this.bus.events$;
  }

  /** Runs the event's hooks, then publishes it. */
  async publish(event: S3petEvent): Promise<void> {
    if (event.type === "run-start") this.runInfo = event.run;
    const hook = (HOOK_OF_EVENT as Partial<Record<S3petEvent["type"], HookName>>)[event.type];
    if (hook && this.runInfo) { // before run-start (a failed start) there is no run for hooks to see
      if ((PARALLEL_HOOKS as readonly string[]).includes(hook)) await this.runParallel(hook as ParallelHooks, event as never);
      else await this.runSequential(hook as SequentialHooks, event as never);
    }
    this.bus.emit(event);
  }

  /** A `log` event (no hooks). */
  log(message: string, level: "info" | "warn" = "info", source?: string): void {
    this.bus.emit({ type: "log", time: Date.now(), level, message, ...(source ? { source } : {}) });
  }

  /** Ends the stream: call once, after run-end. */
  complete(): void {
    this.bus.complete();
  }

  private async runSequential<H extends SequentialHooks>(name: H, event: EventOfHook<H>): Promise<void> {
    for (const h of this.hooks) {
      const fn = h[name] as ((e: EventOfHook<H>, ctx: HookContext) => void | Promise<void>) | undefined;
      if (fn) await fn(event, this.contextFor(h));
    }
  }

  private async runParallel<H extends ParallelHooks>(name: H, event: EventOfHook<H>): Promise<void> {
    const running = this.hooks.flatMap((h) => {
      const fn = h[name] as ((e: EventOfHook<H>, ctx: HookContext) => void | Promise<void>) | undefined;
      return fn ? [fn(event, this.contextFor(h))] : [];
    });
    if (running.length) await Promise.all(running);
  }

  private contextFor(hook: SearchHook): HookContext {
    const run = this.runInfo;
    if (!run) throw new Error(`hook ${hook.name} called before run-start`);
    const control = this.control;
    return {
      run,
      outDir: this.deps.outDir,
      events$: this.bus.events$,
      candidates: () => control.candidateSource?.() ?? null,
      progress: () => control.progress,
      log: (message) => this.log(message, "info", hook.name),
      warn: (message) => this.log(message, "warn", hook.name),
      error: (message) => {
        throw new Error(`${hook.name}: ${message}`);
      },
      requestCheckpoint: () => control.requestCheckpoint(),
      endPhase: (reason) => control.requestEndPhase(`${hook.name}: ${reason}`),
      stopRun: () => control.requestStop(),
    };
  }
}

