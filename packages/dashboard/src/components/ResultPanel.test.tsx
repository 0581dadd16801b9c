import { afterEach, describe, expect, it } from "vitest";
import { cleanup, render } from "ink-testing-library";
import { fixtureState, strip } from "../testing/render-frame.js";
import { ResultPanel, runScores } from "./ResultPanel.js";

afterEach(cleanup);

describe("runScores", () => {
  it("takes run-end's scores", () => {
    expect(runScores(fixtureState())).toEqual({
      supernet: { validation: 0.9117, test: 0.905 },
      retrained: { validation: 0.9367, test: 0.9283 },
      majorityBaseline: 0.56,
    });
  });

  it("falls back to the best validation and last test evals before run-end", () => {
    const scores = runScores(fixtureState((e) => e.type === "eval" && e.phase === "test"));
    expect(scores.supernet.validation).toBeCloseTo(0.908, 3);
    expect(scores.supernet.test).toBe(0.905);
    expect(scores.retrained.validation).toBeCloseTo(0.935, 3);
    expect(scores.retrained.test).toBe(0.9283);
    expect(scores.majorityBaseline).toBeNull();
  });
});

describe("ResultPanel", () => {
  it("shows the structure grouped by method and the scores", () => {
    const { lastFrame } = render(<ResultPanel state={fixtureState()} width={100} />);
    expect(strip(lastFrame())).toMatchInlineSnapshot(`
      "╭─ Result · 7 modules, 19,984 / 20,000 params ─────────────────────────────────────────────────────╮
      │ lora       8,192 · L2 attn.v, L3 attn.v                                      validation     test │
      │ adapter    8,464 · L3 ffn.out                                   supernet         0.9117   0.9050 │
      │ bitfit     3,328 · L0 attn.q, L1 ffn.in, L2 ffn.in, L3 ffn.in   re-trained       0.9367   0.9283 │
      │                                                                 majority              –   0.5600 │
      ╰──────────────────────────────────────────────────────────────────────────────────────────────────╯"
    `);
  });

  it("waits for the structure", () => {
    const frame = strip(render(<ResultPanel state={fixtureState((e) => e.type === "phase")} width={80} />).lastFrame());
    expect(frame).toContain("structure not chosen yet");
  });
});
