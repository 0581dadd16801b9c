import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inject, injectable } from "tsyringe";
import { describe, expect, it } from "vitest";
import { EngineDepsToken, SearchHookToken } from "../di/tokens.js";
import type { RunInfo, S3petEvent, StepEvent } from "../events/events.js";
import type { EngineDeps } from "../run/engine-deps.js";
import { resolveSearchConfig } from "../run/run-config.js";
import { RunControl } from "../run/run-control.js";
import { runSearch } from "../run/run-search.js";
import { createRunContainer } from "../run/start-run.js";
import { linearHead, plantedTask, SyntheticBackbone, tbias, tgain } from "../run/testing/planted-task.js";
import { HookRunner } from "./hook-runner.js";
import type { HookContext, SearchHook } from "./search-hook.js";

function deps(extra: Partial<EngineDeps> = {}): EngineDeps {
  return {
    createBackbone: (o) => new SyntheticBackbone(o),
    createHead: linearHead,
    task: plantedTask(),
    methods: [tbias, tgain],
    outDir: join(mkdtempSync(join(tmpdir(), "s3pet-hooks-")), "run"),
    ...extra,
  };
}

const run: RunInfo = { name: "t", command: "search", outDir: "/x", backbone: "b", task: "planted", metric: "accuracy", backend: "cpu", methods: [], budget: 4, backboneParams: 108, seed: 1 };
const step = (n: number): StepEvent => ({ type: "step", time: 0, phase: "search", step: n, totalSteps: 10, loss: 1, lr: 0.1, tokensPerSecond: 1 });

/** A run container (core hooks included, writing into a fresh directory) with the hooks under test. */
function runner(hooks: SearchHook[]) {
  const d = deps({ hooks });
  mkdirSync(d.outDir, { recursive: true });
  const c = createRunContainer(resolveSearchConfig({ budget: 4 }), d);
  const r = c.resolve(HookRunner);
  return { runner: r, control: c.resolve(RunControl) };
}

describe("HookRunner", () => {
  it("runs pre, unordered, then post hooks; sequential hooks one at a time, before the event is published", async () => {
    const order: string[] = [];
    const slow = (name: string): SearchHook => ({
      name,
      onRunStart: async () => {
        order.push(`${name}:start`);
        await new Promise((r) => setTimeout(r, 5));
        order.push(`${name}:end`);
      },
    });
    const { runner: r } = runner([{ ...slow("post"), order: "post" }, slow("plain"), { ...slow("pre"), order: "pre" }]);
    r.events$.subscribe((e) => order.push(`published:${e.type}`));
    await r.publish({ type: "run-start", time: 0, run, candidates: [], resumed: false });
    expect(order).toEqual(["pre:start", "pre:end", "plain:start", "plain:end", "post:start", "post:end", "published:run-start"]);
  });

  it("starts parallel hooks (onStep) together and gives each a context stamped with its name", async () => {
    const order: string[] = [];
    const observer = (name: string): SearchHook => ({
      name,
      onStep: async (_e, ctx: HookContext) => {
        order.push(`${name}:start`);
        await new Promise((r) => setTimeout(r, 5));
        ctx.warn(`seen by ${name}`);
        order.push(`${name}:end`);
      },
    });
    const { runner: r } = runner([observer("a"), observer("b")]);
    const logs: S3petEvent[] = [];
    r.events$.subscribe((e) => logs.push(e));
    await r.publish({ type: "run-start", time: 0, run, candidates: [], resumed: false });
    await r.publish(step(1));
    expect(order).toEqual(["a:start", "b:start", "a:end", "b:end"]);
    expect(logs.filter((e) => e.type === "log")).toEqual([
      { type: "log", time: expect.any(Number), level: "warn", message: "seen by a", source: "a" },
      { type: "log", time: expect.any(Number), level: "warn", message: "seen by b", source: "b" },
    ]);
  });

  it("turns hook requests into run-control requests and stamps hook errors with the hook's name", async () => {
    const { runner: r, control } = runner([
      { name: "asker", onStep: (e, ctx) => (e.step === 1 ? ctx.requestCheckpoint() : ctx.endPhase("enough")) },
      { name: "failing", onEval: (_e, ctx) => ctx.error("bad eval") },
    ]);
    await r.publish({ type: "run-start", time: 0, run, candidates: [], resumed: false });
    await r.publish(step(1));
    expect(control.takeCheckpointRequest()).toBe(true);
    expect(control.takeCheckpointRequest()).toBe(false);
    await r.publish(step(2));
    expect(control.takeEndPhaseRequest()).toBe("asker: enough");
    await expect(r.publish({ type: "eval", time: 0, phase: "search", step: 2, split: "validation", metric: "accuracy", score: 1, loss: 0, best: true })).rejects.toThrow(
      "failing: bad eval",
    );
  });
});

describe("hooks from the DI container", () => {
  it("resolves a user's injectable hook class registered by configureContainer, once per run", async () => {
    const seen: string[] = [];
    @injectable()
    class RecordingHook implements SearchHook {
      readonly name = "test:recording";
      constructor(@inject(EngineDepsToken) private readonly d: EngineDeps) {}
      onRunStart = () => void seen.push(`start:${this.d.task.name}`);
      onCheckpoint = () => void seen.push("checkpoint");
      onRunEnd = (e: { status: string }) => void seen.push(`end:${e.status}`);
    }
    const d = deps({ configureContainer: (c) => c.register(SearchHookToken, { useClass: RecordingHook }) });
    const result = await runSearch({ budget: 4, seed: 1, batchSize: 16, searchEpochs: 1, trainEpochs: 1 }, d).result;
    expect(result.status).toBe("done");
    expect(seen[0]).toBe("start:planted");
    expect(seen).toContain("checkpoint");
    expect(seen[seen.length - 1]).toBe("end:done");
  });
});
