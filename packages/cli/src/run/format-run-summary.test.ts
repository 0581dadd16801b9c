import { describe, expect, it } from "vitest";
import type { RunResults } from "@s3pet/core";
import { formatRunSummary } from "./format-run-summary.js";

const results: RunResults = {
  task: "spam",
  metric: "accuracy",
  budget: 5000,
  backboneParams: 1_000_000,
  chosenParams: 4864,
  structure: [
    { site: "encoder.layer.0.attention.self.query", method: "lora", options: { rank: 8 }, params: 2048 },
    { site: "encoder.layer.2.attention.self.query", method: "lora", options: { rank: 8 }, params: 2048 },
    { site: "encoder.layer.1.output.dense", method: "bitfit", options: {}, params: 256 },
    { site: "embeddings", method: "bitfit", options: {}, params: 512 },
  ],
  supernet: { validation: 0.9, test: 0.88 },
  retrained: { validation: 0.95, test: 0.9433 },
  majorityBaseline: { test: 0.55 },
  seconds: 312.4,
  peakRssMB: 901.2,
  command: "search",
  structureSource: "search",
  headParams: 514,
  countHead: false,
  chosenRatio: 0.004864,
  softParams: 5000,
  budgetSpec: "0.5%",
  seed: 42,
  backend: "wasm",
  steps: { search: 100, retrain: 90 },
};

describe("formatRunSummary", () => {
  it("shows budget, chosen params, the structure by method x position x layer, and the scores with the baseline", () => {
    expect(formatRunSummary(results, { numLayers: 3, outDir: "runs/search-1" })).toBe(
      [
        "search · task spam · metric accuracy · seed 42 · wasm",
        "backbone    1.00M params",
        "budget      5,000 params (0.500%, given as 0.5%)",
        "soft        5,000 params (Σ n·p at the best search checkpoint)",
        "chosen      4,864 params (0.486% of the backbone) + head 514 · search",
        "",
        "structure   4 modules, 4,864 params",
        "  method  options  position              L0  L1  L2  params",
        "  bitfit           embeddings            –   –   –      512",
        "  bitfit           output.dense          ·   ●   ·      256",
        "  lora    rank=8   attention.self.query  ●   ·   ●    4,096",
        "",
        "scores (accuracy)  validation    test",
        "supernet (z = p)       0.9000  0.8800",
        "re-trained             0.9500  0.9433",
        "majority baseline           –  0.5500",
        "",
        "time 5m12s · peak RSS 901 MB · runs/search-1",
      ].join("\n"),
    );
  });
  it("says when a structure is empty and labels a train run's scores", () => {
    const text = formatRunSummary({ ...results, command: "train", structure: [], supernet: undefined, softParams: undefined }, { numLayers: 2, outDir: "r" });
    expect(text).toContain("structure   (no PET modules)");
    expect(text).toContain("\ntrained                0.9500  0.9433\n");
    expect(text).not.toContain("supernet");
  });
});

describe("the structure table in a narrow terminal", () => {
  it("fits 80 columns: long options move below the table under short keys", () => {
    const options = { rank: 8, alpha: 16, dropout: 0.1, init: "kaiming-uniform", targets: "query,value" };
    const wide: RunResults = {
      ...results,
      structure: Array.from({ length: 12 }, (_, l) => ({ site: `encoder.layer.${l}.attention.self.query`, method: "lora", options, params: 2048 })),
    };
    const unlimited = formatRunSummary(wide, { numLayers: 12, outDir: "r" });
    expect(Math.max(...unlimited.split("\n").map((l) => [...l].length))).toBeGreaterThan(80); // the case at hand
    const text = formatRunSummary(wide, { numLayers: 12, outDir: "r", columns: 80 });
    const table = text.split("\n").filter((l) => l.startsWith("  "));
    for (const line of table) expect([...line].length, line).toBeLessThanOrEqual(80);
    expect(text).toMatch(/^ {2}lora +o1 +attn\.q +(● +){11}● +24,576$/m);
    expect(text).toContain("  o1: rank=8 alpha=16 dropout=0.1 init=kaiming-uniform targets=query,value");
  });
});
