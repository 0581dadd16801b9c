import { afterEach, describe, expect, it } from "vitest";
import { cleanup, render } from "ink-testing-library";
import { atStep, fixtureState, strip } from "../testing/render-frame.js";
import { TopCandidates, topCandidates } from "./TopCandidates.js";

afterEach(cleanup);

describe("topCandidates", () => {
  it("orders by p descending, ties by candidate order", () => {
    expect(topCandidates([0.1, 0.7, 0.7, 0.9], 3)).toEqual([3, 1, 2]);
  });
});

describe("TopCandidates", () => {
  it("lists the highest p with bars, params and the kept mark", () => {
    const { lastFrame } = render(<TopCandidates state={fixtureState(atStep("search", 200))} width={64} rows={6} />);
    expect(strip(lastFrame())).toMatchInlineSnapshot(`
      "╭─ Top candidates of 40 ───────────────────────────────────────╮
      │  # method  site        p                       params        │
      │  1 lora    L3 attn.v   ━━━━━━━━━━━━━━━╸ 0.975   4,096 •      │
      │  2 lora    L2 attn.v   ━━━━━━━━━━━━━━━╸ 0.971   4,096 •      │
      │  3 adapter L3 ffn.out  ━━━━━━━━━━━━━━━─ 0.936   8,464 •      │
      │  4 bitfit  L1 ffn.in   ━━━━━━━━━━━━╸─── 0.785   1,024 •      │
      │  5 bitfit  L2 ffn.in   ━━━━━━━━━━━━╸─── 0.785   1,024 •      │
      │  6 bitfit  L3 ffn.in   ━━━━━━━━━━━━╸─── 0.774   1,024 •      │
      ╰──────────────────────────────────────────────────────────────╯"
    `);
  });

  it("marks exactly the chosen structure once discretised", () => {
    const state = fixtureState((e) => e.type === "structure");
    const frame = strip(render(<TopCandidates state={state} width={64} rows={40} />).lastFrame());
    const kept = frame.split("\n").filter((line) => line.includes(" • "));
    expect(kept).toHaveLength(state.structure!.modules.length);
    expect(frame).toContain("bitfit  L0 attn.q");
  });
});
