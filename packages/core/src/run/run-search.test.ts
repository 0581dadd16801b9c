import * as tf from "@tensorflow/tfjs";
import { appendFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BudgetError, S3petInputError } from "../errors/s3pet-error.js";
import type { BudgetEvent, EvalEvent, GatesEvent, S3petEvent, StepEvent } from "../events/events.js";
import type { SearchHook } from "../hooks/search-hook.js";
import type { TrainingContext } from "../plugin/pet-module.js";
import type { TaskSplits } from "../task/task.js";
import { TrainingDivergedError } from "../train/gradients.js";
import type { EngineDeps } from "./engine-deps.js";
import { evaluateRun } from "./evaluate-run.js";
import type { SearchConfig } from "./run-config.js";
import type { RunResults } from "./run-results.js";
import { runSearch } from "./run-search.js";
import { RUN_LOCK_FILE } from "./run-lock.js";
import type { EngineCheckpointBody } from "./search-run.js";
import { linearHead, plantedTask, PLANTED_KEY, SyntheticBackbone, tbias, tgain, tlow } from "./testing/planted-task.js";

const FAST: Partial<SearchConfig> = {
  budget: 4,
  seed: 1,
  batchSize: 8,
  lr: 0.05,
  alphaLr: 0.1,
  searchEpochs: 6,
  trainEpochs: 4,
  gatesEvery: 1,
  checkpointEvery: 5,
};

function freshDir(): string {
  return join(mkdtempSync(join(tmpdir(), "s3pet-engine-")), "run");
}

function deps(outDir: string, extra: Partial<EngineDeps> = {}): EngineDeps {
  return {
    createBackbone: (o) => new SyntheticBackbone(o),
    createHead: linearHead,
    task: plantedTask(),
    methods: [tbias, tgain],
    outDir,
    ...extra,
  };
}

async function search(config: Partial<SearchConfig>, d: EngineDeps) {
  const handle = runSearch(config, d);
  const events: S3petEvent[] = [];
  handle.events$.subscribe((e) => events.push(e));
  const result = await handle.result;
  return { result, events, handle };
}

const ofType = <T extends S3petEvent["type"]>(events: S3petEvent[], type: T) => events.filter((e) => e.type === type) as Extract<S3petEvent, { type: T }>[];
const readJsonFile = <T>(path: string): T => JSON.parse(readFileSync(path, "utf8")) as T;
const searchOutcome = (dir: string) => readJsonFile<{ body: EngineCheckpointBody }>(join(dir, "checkpoints", "state.json")).body.searchOutcome!;

describe("runSearch: the planted structure", () => {
  it("picks the one candidate that can solve the task, and the budget holds at every step", async () => {
    const out = freshDir();
    const { result, events } = await search(FAST, deps(out));
    expect(result.status).toBe("done");
    const r = result.results!;
    expect(r.structure.map((m) => `${m.site}#${m.method}`)).toEqual([PLANTED_KEY]);
    expect(r.chosenParams).toBe(4);
    expect(r.retrained.test).toBeGreaterThan(r.majorityBaseline.test + 0.3);

    const steps = ofType(events, "step").filter((e) => e.phase === "search");
    const budgets = ofType(events, "budget");
    expect(steps.length).toBe(24);
    expect(budgets.map((b) => b.step)).toEqual(steps.map((s) => s.step)); // gatesEvery = 1: one per step
    for (const b of budgets) {
      expect(Object.keys(b).sort()).toEqual(["budget", "shift", "soft", "step", "time", "type"]);
      expect(b.budget).toBe(4);
      expect(Math.abs(b.soft - 4) / 4).toBeLessThanOrEqual(1e-6);
    }
    const gates = ofType(events, "gates");
    const lastP = gates[gates.length - 1]!.p;
    const planted = 1; // index of encoder.layer.0.LayerNorm#tgain
    expect(lastP.indexOf(Math.max(...lastP))).toBe(planted);
    expect(steps.every((s) => s.alphaLoss !== undefined && s.tokensPerSecond > 0)).toBe(true);
  });

  it("writes the run directory: run.json, events.jsonl, candidates.json, structure.json, adapter/, checkpoints/, results.json", async () => {
    const out = freshDir();
    const { result, events } = await search(FAST, deps(out));
    const run = readJsonFile<{ command: string; config: SearchConfig; backend: string; task: string }>(join(out, "run.json"));
    expect([run.command, run.task, run.config.budget, run.config.seed, run.backend]).toEqual(["search", "planted", 4, 1, tf.getBackend()]);

    const lines = readFileSync(join(out, "events.jsonl"), "utf8").trimEnd().split("\n").map((l) => JSON.parse(l) as S3petEvent);
    expect(lines.map((e) => e.type)).toEqual(events.map((e) => e.type));
    expect(lines[0]!.type).toBe("run-start");
    expect(lines[lines.length - 1]).toMatchObject({ type: "run-end", status: "done" });

    const candidates = readJsonFile<{ key: string; alpha: number; p: number; params: number }[]>(join(out, "candidates.json"));
    expect(candidates.map((c) => c.key)).toContain(PLANTED_KEY);
    expect(candidates.every((c) => Number.isFinite(c.alpha) && c.p > 0 && c.p < 1)).toBe(true);

    const structure = readJsonFile<{ structure: unknown[]; budget: number; chosenParams: number }>(join(out, "structure.json"));
    expect(structure).toMatchObject({ budget: 4, chosenParams: 4, structure: [{ site: "encoder.layer.0.LayerNorm", method: "tgain", options: {}, params: 4 }] });
    expect(existsSync(join(out, "adapter", "adapter_model.safetensors"))).toBe(true);
    expect(readJsonFile<{ tensors: Record<string, string[]> }>(join(out, "adapter", "adapter_config.json")).tensors).toEqual({ [PLANTED_KEY]: ["g"] });

    const results = readJsonFile<RunResults>(join(out, "results.json"));
    const contract = ["task", "metric", "budget", "backboneParams", "chosenParams", "structure", "supernet", "retrained", "majorityBaseline", "seconds", "peakRssMB"];
    expect(Object.keys(results).slice(0, contract.length)).toEqual(contract);
    expect(results).toEqual(result.results);
    expect(Object.keys(results.supernet!)).toEqual(["validation", "test"]);
    expect(results.peakRssMB).toBeGreaterThan(10);
    expect(readJsonFile<{ phase: string }>(join(out, "checkpoints", "state.json")).phase).toBe("done");
  });

  it("evaluateRun re-scores the saved adapter to the recorded scores", async () => {
    const out = freshDir();
    const { result } = await search(FAST, deps(out));
    const again = await evaluateRun(out, deps(out));
    expect({ validation: again.validation, test: again.test }).toEqual(result.results!.retrained);
    expect(again.recorded).toEqual(result.results!.retrained);
  });

  it("finds it with the second-order structure step and the detach-sum gradient too, with alphas of its own", async () => {
    const second = await search({ ...FAST, order: "second", shiftGradient: "detach-sum" }, deps(freshDir()));
    expect(second.result.results!.structure.map((m) => `${m.site}#${m.method}`)).toEqual([PLANTED_KEY]);
    // The virtual step is a real AdamW step, so the Hessian term moves alpha measurably.
    const first = await search({ ...FAST, shiftGradient: "detach-sum" }, deps(freshDir()));
    const lastAlpha = (events: S3petEvent[]) => ofType(events, "gates").filter((g: GatesEvent) => g.step === 24).pop()!.alpha;
    const [a2, a1] = [lastAlpha(second.events), lastAlpha(first.events)];
    const gap = Math.max(...a2.map((a, i) => Math.abs(a - a1[i]!)));
    expect(gap).toBeGreaterThan(0.05);
  });

  it("runs with straight-through hard gates, no shift gradient and a lower temperature, holding the budget", async () => {
    const { result, events } = await search({ ...FAST, hardGates: true, shiftGradient: "none", temperature: 0.5, searchEpochs: 2, trainEpochs: 1 }, deps(freshDir()));
    expect(result.status).toBe("done");
    expect(result.results!.chosenParams).toBeLessThanOrEqual(4);
    for (const b of ofType(events, "budget")) expect(Math.abs(b.soft - 4) / 4).toBeLessThanOrEqual(1e-6);
  });

  it("counts the head inside the budget with countHead", async () => {
    const { result, events } = await search({ ...FAST, budget: 14, countHead: true }, deps(freshDir()));
    for (const b of ofType(events, "budget")) expect([b.budget, Math.abs(b.soft - 14) < 1e-5]).toEqual([14, true]);
    expect(result.results!.structure.map((m) => `${m.site}#${m.method}`)).toEqual([PLANTED_KEY]);
    expect([result.results!.headParams, result.results!.chosenParams, result.results!.budget]).toEqual([10, 14, 14]);
  });
});

describe("runSearch: bad input", () => {
  it("rejects an impossible budget with a one-line BudgetError, an error event and run-end failed", async () => {
    const handle = runSearch({ ...FAST, budget: 3 }, deps(freshDir()));
    const events: S3petEvent[] = [];
    handle.events$.subscribe((e) => events.push(e));
    await expect(handle.result).rejects.toThrow(BudgetError);
    await expect(handle.result).rejects.toThrow(
      "budget of 3 parameters is below the cheapest candidate (encoder.layer.0.dense#tbias: 4 parameters); raise --budget to at least 4 (3.7%)",
    );
    expect(events.map((e) => e.type)).toEqual(["error", "run-end"]);
    expect(events[1]).toMatchObject({ status: "failed" });
    await expect(runSearch({ ...FAST, budget: 24 }, deps(freshDir())).result).rejects.toThrow(/not below all 6 candidates together \(24 parameters\)/);
  });

  it("never overwrites a run directory: non-empty without resume, or resume without a run, is an error naming the fix", async () => {
    const out = freshDir();
    await search({ ...FAST, searchEpochs: 1, trainEpochs: 1 }, deps(out));
    expect(() => runSearch(FAST, deps(out))).toThrow(`--out ${out}: already holds a run and is never overwritten; pass --resume to continue it, or choose another --out`);
    const other = freshDir();
    mkdirSync(other, { recursive: true });
    writeFileSync(join(other, "notes.txt"), "mine");
    expect(() => runSearch(FAST, deps(other))).toThrow(S3petInputError);
    expect(() => runSearch(FAST, deps(other))).toThrow(/: is not empty and holds no run; choose a new or empty directory/);
    expect(() => runSearch({ ...FAST, resume: true }, deps(freshDir()))).toThrow(/no run to resume there \(no such directory\); drop --resume/);
  });

  it("says clearly when no trainable variable reaches the loss (a backbone that never calls its sites)", async () => {
    class Deaf extends SyntheticBackbone {
      override forward(batch: Parameters<SyntheticBackbone["forward"]>[0]) {
        return super.forward(batch);
      }
    }
    const handle = runSearch(FAST, deps(freshDir(), { createBackbone: (o) => new Deaf(o) }));
    await expect(handle.result).rejects.toThrow(S3petInputError);
    await expect(handle.result).rejects.toThrow(/^no trainable variable reaches the loss at search step 1 \(structure step\): the structure attaches no module/);
  });

  it("stops on a NaN loss naming the step and the fix, keeping the last good checkpoint", async () => {
    const out = freshDir();
    let poisoned = false;
    const tnan = { ...tgain, create: (site: never, o: never, init: never) => {
      const m = tgain.create(site, o, init);
      const c = m.contribution as { kind: "norm"; delta: (xhat: tf.Tensor2D) => tf.Tensor };
      return { ...m, contribution: { kind: "norm" as const, delta: (xhat: tf.Tensor2D) => (poisoned ? tf.mul(c.delta(xhat), NaN) : c.delta(xhat)) } };
    } };
    const poison: SearchHook = { name: "test:poison", onStep: (e) => void (e.step === 6 && (poisoned = true)) };
    const handle = runSearch(FAST, deps(out, { methods: [tbias, tnan], hooks: [poison] }));
    await expect(handle.result).rejects.toThrow(TrainingDivergedError);
    await expect(handle.result).rejects.toThrow(/^loss became NaN at search step 7 \(structure step\); .*lower --lr/);
    const state = readJsonFile<{ phase: string; step: number }>(join(out, "checkpoints", "state.json"));
    expect([state.phase, state.step]).toEqual(["search", 5]);
  });
});

describe("runSearch: scores, stopping and memory", () => {
  it("keeps a best checkpoint when every validation score is negative (Matthews-like metrics)", async () => {
    const base = plantedTask();
    const negative: TaskSplits = { ...base, objective: { ...base.objective, metric: "shifted", score: (p, l) => base.objective.score(p, l) - 2 } };
    const { result, events } = await search({ ...FAST, searchEpochs: 2, trainEpochs: 2 }, deps(freshDir(), { task: negative }));
    const evals = ofType(events, "eval").filter((e) => e.split === "validation");
    expect(evals.every((e) => e.score < 0)).toBe(true);
    expect(evals.filter((e) => e.phase === "search")[0]!.best).toBe(true);
    const bestSearch = Math.max(...evals.filter((e) => e.phase === "search").map((e) => e.score));
    expect(result.results!.supernet!.validation).toBe(bestSearch);
    expect(result.results!.retrained.validation).toBeLessThan(0);
  });

  it("ends a phase early when validation stops improving (core:early-stopping)", async () => {
    const { result, events } = await search({ ...FAST, lr: 1e-9, methodLrs: false, alphaLr: 1e-9, evalEvery: 2, patience: 2 }, deps(freshDir()));
    const logs = ofType(events, "log").map((e) => e.message);
    expect(logs.some((m) => /^search ended early at step \d+: core:early-stopping: no better accuracy in 2 evaluations/.test(m))).toBe(true);
    expect(result.results!.steps.search).toBeLessThan(24);
    expect(result.status).toBe("done");
  });

  it("second order: the three L_W passes of a step share dropout masks, every other forward has its own", async () => {
    // A tbias that records the (step, pass) pair every training forward would seed its masks from.
    const seen: string[] = [];
    const recording: typeof tbias = {
      ...tbias,
      name: "tbias",
      create(site, o, init) {
        const m = tbias.create(site, o, init);
        let at: TrainingContext | null = null;
        const c = m.contribution;
        if (c.kind !== "linear") throw new Error("tbias is linear");
        const record = site.name === "encoder.layer.0.dense";
        return {
          ...m,
          contribution: { kind: "linear", delta: (x, y) => ((at && record && seen.push(`${at.step}:${at.pass}`)), c.delta(x, y)) },
          setTraining(on, context) {
            at = on ? (context ?? null) : null;
          },
        };
      },
    };
    await search({ ...FAST, order: "second", searchEpochs: 1, trainEpochs: 1 }, deps(freshDir(), { methods: [recording, tgain] }));
    // search step k: virtual step, A at w', w+, w-, then the weight step; the L_W passes share pass 2
    expect(seen.slice(0, 5)).toEqual(["1:2", "1:3", "1:2", "1:2", "1:1"]);
    expect(seen.slice(5, 10)).toEqual(["2:2", "2:3", "2:2", "2:2", "2:1"]);
  });

  it("searches a space with an option list: each value is its own candidate and module (`site#tlow[rank=1]`)", async () => {
    const { result, events } = await search(
      { ...FAST, budget: 16, searchEpochs: 1, trainEpochs: 1, methodOptions: { tlow: { rank: "1,4" } } },
      deps(freshDir(), { methods: [tlow, tbias] }),
    );
    expect(result.status).toBe("done");
    const keys = ofType(events, "run-start")[0]!.candidates.map((c) => c.key);
    expect(keys).toContain("encoder.layer.0.dense#tlow[rank=1]");
    expect(keys).toContain("encoder.layer.0.dense#tlow[rank=4]");
  });

  it("does not leak tensors: the count after step 1 equals the count after step N in every phase", async () => {
    const counts: Record<string, number[]> = {};
    const probe: SearchHook = { name: "test:memory", onStep: (e: StepEvent) => void (counts[e.phase] ??= []).push(tf.memory().numTensors) };
    const before = tf.memory().numTensors;
    await search({ ...FAST, order: "second" }, deps(freshDir(), { hooks: [probe] }));
    expect(counts.search!.length).toBe(24);
    expect(counts.retrain!.length).toBe(32);
    for (const phase of ["search", "retrain"]) expect(new Set(counts[phase]).size).toBe(1);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe("runSearch: stop and resume", () => {
  const finalAlpha = (events: S3petEvent[]) => ofType(events, "gates").filter((g: GatesEvent) => g.step === 24).pop()!.alpha;

  it("stop() finishes the step, checkpoints, ends 'stopped'; resume reaches the uninterrupted structure and alpha", async () => {
    const reference = await search(FAST, deps(freshDir()));

    const out = freshDir();
    let handle: ReturnType<typeof runSearch> | null = null;
    const stopAt7: SearchHook = { name: "test:stop", onStep: (e) => void (e.phase === "search" && e.step === 7 && handle!.stop()) };
    handle = runSearch(FAST, deps(out, { hooks: [stopAt7] }));
    const events: S3petEvent[] = [];
    handle.events$.subscribe((e) => events.push(e));
    const stopped = await handle.result;
    expect(stopped).toEqual({ status: "stopped", outDir: out, results: null });
    expect(events[events.length - 1]).toMatchObject({ type: "run-end", status: "stopped" });
    expect(ofType(events, "checkpoint").pop()).toMatchObject({ phase: "search", step: 7 });

    const resumed = await search({ ...FAST, resume: true }, deps(out));
    expect(resumed.events[0]).toMatchObject({ type: "run-start", resumed: true });
    expect(ofType(resumed.events, "step")[0]).toMatchObject({ phase: "search", step: 8 });
    expect(finalAlpha(resumed.events)).toEqual(finalAlpha(reference.events));
    expect(searchOutcome(out).alpha).toEqual(searchOutcome(reference.result.outDir).alpha);
    expect(resumed.result.results!.structure).toEqual(reference.result.results!.structure);
    expect(resumed.result.results!.retrained).toEqual(reference.result.results!.retrained);
    expect(resumed.result.results!.supernet).toEqual(reference.result.results!.supernet);
  });

  it("yields to the event loop between steps: a timer set at the start stops the run mid-search", async () => {
    const handle = runSearch(FAST, deps(freshDir()));
    const steps: StepEvent[] = [];
    handle.events$.subscribe((e) => void (e.type === "step" && steps.push(e)));
    setTimeout(() => handle.stop(), 0); // fires only if the engine gives the event loop a turn
    expect(await handle.result).toMatchObject({ status: "stopped", results: null });
    expect(steps.length).toBeGreaterThan(0);
    expect(steps.at(-1)!.phase).toBe("search");
    expect(steps.at(-1)!.step).toBeLessThan(steps.at(-1)!.totalSteps);
  });

  it("a run killed right after any checkpoint (search or re-training) resumes to the same result", async () => {
    const reference = await search(FAST, deps(freshDir()));
    const out = freshDir();
    const killed: string[] = [];
    // Copy the run directory at two checkpoints: a copy is what a kill at that moment leaves behind.
    const snapshot: SearchHook = {
      name: "test:snapshot",
      onCheckpoint: (e) => {
        if ((e.phase === "search" && e.step === 10) || (e.phase === "retrain" && e.step === 15)) {
          const copy = `${out}-killed-${e.phase}`;
          cpSync(out, copy, { recursive: true });
          // The copy holds this (live) process's lock; a killed writer's lock is stale and replaced
          // on resume (run-lock.test.ts), which removing it stands for here.
          rmSync(join(copy, RUN_LOCK_FILE));
          appendFileSync(join(copy, "events.jsonl"), '{"type":"step","time":1,"pha'); // a torn last line
          killed.push(copy);
        }
      },
    };
    await search(FAST, deps(out, { hooks: [snapshot] }));
    expect(killed.length).toBe(2);
    for (const copy of killed) {
      const resumed = await search({ ...FAST, resume: true }, deps(copy));
      expect(resumed.result.results!.structure).toEqual(reference.result.results!.structure);
      expect(resumed.result.results!.retrained).toEqual(reference.result.results!.retrained);
      expect(searchOutcome(copy).alpha).toEqual(searchOutcome(reference.result.outDir).alpha);
      const lines = readFileSync(join(copy, "events.jsonl"), "utf8").trimEnd().split("\n");
      expect(() => lines.map((l) => JSON.parse(l))).not.toThrow(); // the torn line was cut
    }
  });

  it("resuming a finished run returns its results; resume keeps the saved settings and says which were ignored", async () => {
    const out = freshDir();
    const first = await search({ ...FAST, searchEpochs: 1, trainEpochs: 1 }, deps(out));
    const again = await search({ ...FAST, searchEpochs: 1, trainEpochs: 1, lr: 0.5, resume: true }, deps(out));
    expect(again.result.results).toEqual(first.result.results);
    expect(ofType(again.events, "log").map((e) => e.message)).toContain("resume continues with the run's saved settings; ignored the new value of lr");
    expect(ofType(again.events, "step")).toEqual([]);
  });
});

describe("runSearch: events", () => {
  it("emits budget at every evaluation and gates throttled to every k steps", async () => {
    const { events } = await search({ ...FAST, gatesEvery: 5, evalEvery: 3, searchEpochs: 2, trainEpochs: 1 }, deps(freshDir(), { methods: [tbias, tgain, tlow] }));
    const evalSteps = ofType(events, "eval").filter((e: EvalEvent) => e.phase === "search" && e.split === "validation").map((e) => e.step);
    const budgetSteps = ofType(events, "budget").map((e: BudgetEvent) => e.step);
    expect(evalSteps).toEqual([3, 6, 8]);
    expect(budgetSteps).toEqual([3, 5, 6, 8]);
    expect(ofType(events, "gates").map((e) => e.step)).toEqual(budgetSteps);
    expect(ofType(events, "phase").map((e) => e.phase)).toEqual(["search", "discretize", "retrain", "test"]);
    expect(ofType(events, "structure")).toHaveLength(1);
    const start = events[0] as Extract<S3petEvent, { type: "run-start" }>;
    expect(start.candidates.length).toBe(9);
    expect(ofType(events, "gates")[0]!.p.length).toBe(9);
  });
});
