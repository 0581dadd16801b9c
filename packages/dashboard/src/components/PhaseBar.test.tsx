import { afterEach, describe, expect, it } from "vitest";
import { cleanup, render } from "ink-testing-library";
import { reduceRunState } from "../state/reduce-run-state.js";
import { initialRunState } from "../state/run-state.js";
import { fixtureEvents } from "../testing/fixture-events.js";
import { atStep, fixtureState, strip } from "../testing/render-frame.js";
import { PhaseBar } from "./PhaseBar.js";

afterEach(cleanup);

describe("PhaseBar", () => {
  it("shows the pipeline and the search's progress with steps, tokens/s and lr", () => {
    const { lastFrame } = render(<PhaseBar state={fixtureState(atStep("search", 100))} width={100} />);
    expect(strip(lastFrame())).toMatchInlineSnapshot(`
      "● search ─ ○ discretize ─ ○ retrain ─ ○ test
      search  ━━━━━━━━━━━━━━━━━━━━━━━━━━────────────────────────── 100/200  50% · 5,100 tok/s · lr 1.5e-4"
    `);
  });

  it("ticks finished phases with their durations during re-training", () => {
    const { lastFrame } = render(<PhaseBar state={fixtureState(atStep("retrain", 75))} width={100} />);
    const [chips, progress] = strip(lastFrame()).split("\n");
    expect(chips).toBe("✔ search 28s ─ ✔ discretize 1s ─ ● retrain ─ ○ test");
    expect(progress).toMatch(/^retrain +━+.* 75\/150 +50% · [\d,]+ tok\/s · lr 1\.5e-4$/);
  });

  it("shows the run's end, and marks the phase a stopped run ended in", () => {
    const events = fixtureEvents().slice(0, 120);
    const last = events.at(-1)!;
    const stopped = [...events, { type: "run-end", time: last.time + 10, status: "stopped", elapsedMs: 12_345 } as const].reduce(reduceRunState, initialRunState());
    const { lastFrame } = render(<PhaseBar state={stopped} width={100} />);
    expect(strip(lastFrame())).toBe("■ search 13s ─ ○ discretize ─ ○ retrain ─ ○ test\nrun stopped in 12s");
  });

  it("uses the train pipeline for a fixed-structure run", () => {
    const [runStart] = fixtureEvents();
    if (runStart?.type !== "run-start") throw new Error("fixture starts with run-start");
    const state = reduceRunState(initialRunState(), { ...runStart, run: { ...runStart.run, command: "train" }, candidates: [] });
    const { lastFrame } = render(<PhaseBar state={state} width={80} />);
    expect(strip(lastFrame())).toBe("○ train ─ ○ test\nwaiting for the first phase…");
  });
});
