import { afterEach, describe, expect, it } from "vitest";
import { cleanup, render } from "ink-testing-library";
import { discretizeGreedy } from "@s3pet/core/events";
import { atStep, fixtureState, strip } from "../testing/render-frame.js";
import { BudgetMeter } from "./BudgetMeter.js";

afterEach(cleanup);

describe("BudgetMeter", () => {
  it("shows budget, soft count, shift and the hard count if discretised now", () => {
    const { lastFrame } = render(<BudgetMeter state={fixtureState(atStep("search", 100))} width={70} />);
    expect(strip(lastFrame())).toMatchInlineSnapshot(`
      "╭─ Budget ───────────────────────────────────────────────────────────╮
      │ budget B      20,000 params · 0.179% of the backbone               │
      │ soft Σn·p     20,000 ━━━━━━━━━━━━━━━━━━━━━━━━━ 100.0%              │
      │ shift b        1.757 at step 90                                    │
      │ hard now      19,984 ━━━━━━━━━━━━━━━━━━━━━━━━━  99.9% · 7 modules  │
      ╰────────────────────────────────────────────────────────────────────╯"
    `);
  });

  it("computes the hard count with greedy first-fit over the latest gates", () => {
    const state = fixtureState(atStep("search", 40));
    const params = state.candidates.map((c) => c.params);
    const chosen = discretizeGreedy(params, state.gates!.p, state.budget!.budget);
    const hard = chosen.reduce((s, i) => s + params[i]!, 0);
    const frame = strip(render(<BudgetMeter state={state} width={80} />).lastFrame());
    expect(frame).toMatch(new RegExp(`hard now +${hard.toLocaleString("en-US")} .* · ${chosen.length} modules`));
  });

  it("shows the chosen structure's count once discretised", () => {
    const frame = strip(render(<BudgetMeter state={fixtureState((e) => e.type === "structure")} width={80} />).lastFrame());
    expect(frame).toMatch(/chosen +19,984 ━+╸? +99\.9% · 7 modules/);
  });

  it("says so when the run has no budget", () => {
    const state = fixtureState((e) => e.type === "run-start");
    const frame = (methods: string[]) =>
      strip(render(<BudgetMeter state={{ ...state, run: { ...state.run!, budget: null, methods } }} width={70} />).lastFrame());
    expect(frame(["lora"])).toContain("fixed structure: no budget");
    expect(frame([])).toContain("full fine-tuning: no budget");
  });
});
