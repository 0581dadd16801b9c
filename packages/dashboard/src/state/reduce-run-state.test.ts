import { describe, expect, it } from "vitest";
import type { S3petEvent } from "@s3pet/core/events";
import { fixtureEvents } from "../testing/fixture-events.js";
import { discretizeGreedy } from "@s3pet/core/events";
import { reduceRunState } from "./reduce-run-state.js";
import { initialRunState, LOSS_HISTORY_LENGTH, type RunState } from "./run-state.js";
import { phaseEtaMs } from "./phase-timing.js";

const reduceAll = (events: readonly S3petEvent[], from: RunState = initialRunState()) => events.reduce(reduceRunState, from);
const T0 = 1_000_000;

describe("reduceRunState over the fixture search run", () => {
  const events = fixtureEvents();
  const state = reduceAll(events);

  it("ends in a state that matches the snapshot", () => {
    const summary = {
      status: state.status,
      run: state.run?.name,
      candidates: state.candidates.length,
      elapsedMs: state.end?.elapsedMs,
      phases: state.phases.map((p) => ({ phase: p.phase, step: p.step, totalSteps: p.totalSteps, ms: p.endTime! - p.startTime })),
      lossPoints: state.loss.length,
      alphaLossPoints: state.alphaLoss.length,
      evals: state.evals.map((e) => `${e.phase}@${e.step} ${e.split} ${e.score.toFixed(4)}${e.best ? " best" : ""}`),
      gatesStep: state.gates?.step,
      budget: state.budget && { ...state.budget, shift: state.budget.shift.toFixed(4) },
      structure: state.structure?.modules.map((m) => `${m.site} ${m.method} ${m.params}`),
      chosenParams: state.structure?.chosenParams,
      lastCheckpoint: state.lastCheckpoint?.path,
      errors: state.errorCount,
      warnings: state.warnCount,
      logTypes: state.log.map((l) => l.event.type).join(" "),
    };
    expect(summary).toMatchSnapshot();
  });

  it("follows the phases in order and ends done", () => {
    expect(state.phases.map((p) => p.phase)).toEqual(["search", "discretize", "retrain", "test"]);
    expect(state.phases.every((p) => p.endTime !== null)).toBe(true);
    expect(state.status).toBe("done");
    expect(state.end?.scores?.retrained?.test).toBeCloseTo(0.9283, 6);
  });

  it("keeps p for every candidate, in run-start order", () => {
    const lastGates = events.filter((e) => e.type === "gates").at(-1)!;
    expect(state.gates?.p).toEqual(lastGates.type === "gates" ? lastGates.p : null);
    expect(state.gates?.p).toHaveLength(state.candidates.length);
  });

  it("computes, with its copy of greedy first-fit, the structure the run chose", () => {
    const chosen = discretizeGreedy(state.candidates.map((c) => c.params), state.gates!.p, state.budget!.budget);
    const keys = chosen.map((i) => `${state.candidates[i]!.site} ${state.candidates[i]!.method}`).sort();
    expect(keys).toEqual(state.structure!.modules.map((m) => `${m.site} ${m.method}`).sort());
  });

  it("keeps the training loss of the last training phase through test", () => {
    expect(state.loss).toHaveLength(150);
    expect(state.alphaLoss).toHaveLength(0); // retrain has no alpha step
  });

  it("logs every log-worthy event and no step, gates or budget event", () => {
    const types = new Set(state.log.map((l) => l.event.type));
    expect(types.has("step") || types.has("gates") || types.has("budget")).toBe(false);
    expect(state.log.map((l) => l.id)).toEqual(state.log.map((_, i) => i));
    expect(state.log).toHaveLength(events.filter((e) => !["step", "gates", "budget"].includes(e.type)).length);
  });

  it("is pure: reducing twice gives equal states and leaves the input untouched", () => {
    const before = JSON.stringify(state);
    expect(reduceAll(events)).toEqual(state);
    reduceRunState(state, { type: "log", time: T0, level: "info", message: "x" });
    expect(JSON.stringify(state)).toBe(before);
  });
});

describe("reduceRunState, event by event", () => {
  const runStart = fixtureEvents()[0]!;

  it("caps the loss history as a ring buffer", () => {
    const steps: S3petEvent[] = Array.from({ length: LOSS_HISTORY_LENGTH + 10 }, (_, i) => ({
      type: "step",
      time: T0 + i,
      phase: "search",
      step: i + 1,
      totalSteps: 1000,
      loss: i,
      alphaLoss: -i,
      lr: 1e-3,
      tokensPerSecond: 100,
    }));
    const state = reduceAll([runStart, ...steps]);
    expect(state.loss).toHaveLength(LOSS_HISTORY_LENGTH);
    expect(state.loss[0]).toBe(10);
    expect(state.loss.at(-1)).toBe(LOSS_HISTORY_LENGTH + 9);
    expect(state.alphaLoss.at(-1)).toBe(-(LOSS_HISTORY_LENGTH + 9));
  });

  it("starts a phase from a step of a phase never announced", () => {
    const state = reduceAll([{ type: "step", time: T0, phase: "train", step: 1, totalSteps: 10, loss: 1, lr: 1, tokensPerSecond: 1 }]);
    expect(state.status).toBe("training");
    expect(state.phases.map((p) => [p.phase, p.step])).toEqual([["train", 1]]);
  });

  it("keeps the history on a resumed run-start and re-anchors the repeated phase's rate", () => {
    const step = (time: number, n: number): S3petEvent => ({ type: "step", time, phase: "search", step: n, totalSteps: 100, loss: 1, lr: 1, tokensPerSecond: 1 });
    const first = reduceAll([runStart, { type: "phase", time: T0, phase: "search", totalSteps: 100 }, step(T0 + 100, 1), step(T0 + 200, 2)]);
    expect(phaseEtaMs(first.phases[0]!)).toBe(98 * 100);
    // Killed after step 2, resumed an hour later from the checkpoint at step 2: the gap must not count.
    const later = T0 + 3_600_000;
    const resumed = reduceAll(
      [
        { ...runStart, time: later, resumed: true } as S3petEvent,
        { type: "phase", time: later, phase: "search", totalSteps: 100 },
        step(later + 50, 3),
        step(later + 100, 4),
      ],
      first,
    );
    expect(resumed.resumed).toBe(true);
    expect(resumed.phases).toHaveLength(1);
    expect(resumed.loss).toHaveLength(4);
    expect(resumed.startTime).toBe(first.startTime);
    expect(phaseEtaMs(resumed.phases[0]!)).toBe(96 * 50);
  });

  it("shows a fatal error in place and a non-fatal one only in the counts", () => {
    const warned = reduceAll([runStart, { type: "error", time: T0, message: "retrying", fatal: false }]);
    expect(warned.status).toBe("starting");
    expect(warned.errorCount).toBe(1);
    expect(warned.fatalError).toBeNull();
    const failed = reduceRunState(warned, { type: "error", time: T0 + 1, message: "NaN loss at step 7", fatal: true });
    expect(failed.status).toBe("failed");
    expect(failed.fatalError).toBe("NaN loss at step 7");
  });

  it("logs an event type it does not know (a plugin event) instead of failing", () => {
    const pluginEvent = { type: "prefix:kv-norm", time: T0, norm: 1.5 } as unknown as S3petEvent;
    const state = reduceAll([runStart, pluginEvent]);
    expect(state.log.at(-1)?.event).toBe(pluginEvent);
    expect(state.lastTime).toBe(Math.max(runStart.time, T0));
  });

  it("ends stopped with the phase closed at run-end", () => {
    const state = reduceAll([
      runStart,
      { type: "phase", time: T0, phase: "search", totalSteps: 10 },
      { type: "run-end", time: T0 + 500, status: "stopped", elapsedMs: 500 },
    ]);
    expect(state.status).toBe("stopped");
    expect(state.phases[0]!.endTime).toBe(T0 + 500);
  });
});
