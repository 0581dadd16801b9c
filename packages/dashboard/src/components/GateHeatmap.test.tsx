import { afterEach, describe, expect, it } from "vitest";
import { cleanup, render } from "ink-testing-library";
import type { CandidateInfo } from "@s3pet/core/events";
import { atStep, fixtureState, strip } from "../testing/render-frame.js";
import { GateHeatmap, gateGrid } from "./GateHeatmap.js";

afterEach(cleanup);

const candidate = (site: string, method: string, layer: number | null, position: string): CandidateInfo => ({
  key: `${site}#${method}`,
  site,
  method,
  layer,
  position,
  options: {},
  params: 1,
});

describe("gateGrid", () => {
  it("makes rows of method x position and columns of layers, embeddings first", () => {
    const grid = gateGrid(
      [
        candidate("encoder.layer.1.attention.self.query", "lora", 1, "attention.self.query"),
        candidate("encoder.layer.0.attention.self.query", "bitfit", 0, "attention.self.query"),
        candidate("embeddings", "bitfit", null, "embeddings"),
        candidate("encoder.layer.0.attention.self.query", "lora", 0, "attention.self.query"),
        candidate("encoder.layer.0.output", "lora", 0, "output"),
      ],
      ["lora", "bitfit"],
    );
    expect(grid.layers).toEqual([null, 0, 1]);
    expect(grid.rows).toEqual([
      { method: "lora", position: "attention.self.query", cells: [null, 3, 0] },
      { method: "lora", position: "output", cells: [null, 4, null] },
      { method: "bitfit", position: "attention.self.query", cells: [null, 1, null] },
      { method: "bitfit", position: "embeddings", cells: [2, null, null] },
    ]);
  });
});

describe("GateHeatmap", () => {
  it("shades p per method x position and layer and marks the kept candidates", () => {
    const { lastFrame } = render(<GateHeatmap state={fixtureState(atStep("search", 200))} width={60} maxRows={20} />);
    expect(strip(lastFrame())).toMatchInlineSnapshot(`
      "╭─ Gates p · step 190 ─────────────────────────────────────╮
      │ layer            0     1     2     3                     │
      │ lora    attn.q   ····· ····· ····· ·····                 │
      │         attn.k   ····· ····· ····· ·····                 │
      │         attn.v   ····· ····· ████• ████•                 │
      │ adapter attn.out ····· ····· ····· ·····                 │
      │         ffn.out  ····· ····· ····· ████•                 │
      │ bitfit  attn.q   ····· ····· ····· ·····                 │
      │         attn.v   ····· ····· ····· ·····                 │
      │         ffn.in   ▓▓▓▓▓ ▓▓▓▓• ▓▓▓▓• ▓▓▓▓•                 │
      │         ffn.o    ····• ····· ····· ·····                 │
      │ prefix  attn     ····· ····· ····· ·····                 │
      │ p ·<.2 ░<.4 ▒<.6 ▓<.8 █≥.8  • kept                       │
      ╰──────────────────────────────────────────────────────────╯"
    `);
  });

  it("starts uniform: every p = B / sum n is in the lowest shade", () => {
    const frame = strip(render(<GateHeatmap state={fixtureState((e) => e.type === "gates")} width={60} maxRows={20} />).lastFrame());
    expect(frame).toContain("lora    attn.q   ····· ····· ····· ·····");
  });

  it("shows one row per method (its highest p in each layer) when the rows do not fit, then folds", () => {
    const state = fixtureState(atStep("search", 200));
    const perMethod = strip(render(<GateHeatmap state={state} width={60} maxRows={4} />).lastFrame());
    expect(perMethod).toContain("Gates p · step 190 · max per method");
    expect(perMethod).toMatch(/│ lora    3 pos ····· ····· ████• ████• /);
    expect(perMethod).toMatch(/│ bitfit  4 pos ▓▓▓▓• ▓▓▓▓• ▓▓▓▓• ▓▓▓▓• /);
    expect(perMethod).toContain("│ prefix  1 pos");
    const folded = strip(render(<GateHeatmap state={state} width={60} maxRows={3} />).lastFrame());
    expect(folded).toContain("… 2 more methods");
    expect(folded).not.toContain("prefix");
  });

  it("waits for gates", () => {
    const frame = strip(render(<GateHeatmap state={fixtureState((e) => e.type === "run-start")} width={60} maxRows={10} />).lastFrame());
    expect(frame).toContain("waiting for the first gates…");
  });
});
