import { describe, expect, it } from "vitest";
import type { S3petEvent } from "@s3pet/core/events";
import { fixtureEvents } from "../testing/fixture-events.js";
import { describeEvent } from "./describe-event.js";
import { formatCount, formatPercent } from "./format-count.js";
import { formatDuration } from "./format-duration.js";
import { shortPosition, shortSite } from "./short-position.js";

const T = 1_000;

describe("describeEvent", () => {
  it("describes each log-worthy event of the fixture in one line", () => {
    const lines = fixtureEvents()
      .map((e) => describeEvent(e))
      .filter((l) => l !== null)
      .map((l) => `${l.level}: ${l.text}`);
    expect(lines.slice(0, 5)).toEqual([
      "info: search search-20260101-120000 started: 40 candidates (lora, adapter, bitfit, prefix), budget 20,000 params",
      "info: task spam: 1500 train (750 W / 750 A), 300 validation, 600 test; majority baseline 0.560",
      "info: phase search · 200 steps",
      "good: search step 50 · validation accuracy 0.7807 (loss 0.5125) ★ best",
      "info: checkpoint search step 50 → runs/search-20260101-120000/checkpoints/search-step-50",
    ]);
    expect(lines).toContain("warn: [core:search] gradient norm clipped on 12% of alpha steps (clip 2.0)");
    expect(lines).toContain("good: structure: 7 modules, 19,984 / 20,000 params");
    expect(lines).toContain("error: error: checkpoint write retried: EBUSY on runs/search-20260101-120000/checkpoints/retrain-step-90");
    expect(lines.at(-1)).toBe("good: run done in 45s · test 0.9283");
  });

  it("names a train run's fixed structure and full fine-tuning apart", () => {
    const start = fixtureEvents()[0]!;
    if (start.type !== "run-start") throw new Error("fixture starts with run-start");
    const train = (budget: number | null, methods: string[], n: number) =>
      describeEvent({ ...start, run: { ...start.run, command: "train", name: "t", budget, methods }, candidates: start.candidates.slice(0, n) })!.text;
    expect(train(null, ["lora"], 8)).toBe("train t started: 8 modules (lora), fixed structure, no budget");
    expect(train(null, [], 0)).toBe("train t started: full fine-tuning");
    expect(train(1_833, ["lora", "bitfit"], 5)).toBe("train t started: 5 modules (lora, bitfit), budget 1,833 params");
  });

  it("returns null for progress events", () => {
    const progress: S3petEvent[] = [
      { type: "step", time: T, phase: "search", step: 1, totalSteps: 2, loss: 1, lr: 1, tokensPerSecond: 1 },
      { type: "gates", time: T, step: 1, p: [], alpha: [] },
      { type: "budget", time: T, step: 1, budget: 1, soft: 1, shift: 0 },
    ];
    expect(progress.map(describeEvent)).toEqual([null, null, null]);
  });

  it("describes stops, failures, fatal errors and phases without steps", () => {
    expect(describeEvent({ type: "run-end", time: T, status: "stopped", elapsedMs: 61_000 })).toEqual({ level: "warn", text: "run stopped in 1m01s" });
    expect(describeEvent({ type: "run-end", time: T, status: "failed", elapsedMs: 500 })).toEqual({ level: "error", text: "run failed in 500ms" });
    expect(describeEvent({ type: "error", time: T, message: "NaN loss", fatal: true })).toEqual({ level: "error", text: "fatal error: NaN loss" });
    expect(describeEvent({ type: "phase", time: T, phase: "discretize", totalSteps: 0 })).toEqual({ level: "info", text: "phase discretize" });
  });

  it("shows an unknown plugin event by type and payload", () => {
    expect(describeEvent({ type: "lora:rank-pruned", time: T, site: "x", rank: 4 } as unknown as S3petEvent)).toEqual({
      level: "info",
      text: 'lora:rank-pruned {"site":"x","rank":4}',
    });
  });
});

describe("formatters", () => {
  it("formats counts exactly below a million, with a unit above", () => {
    expect([0, 999, 19_984, 999_999, 11_170_560, 2.5e9].map(formatCount)).toEqual(["0", "999", "19,984", "999,999", "11.17M", "2.50G"]);
  });

  it("formats shares with three significant digits", () => {
    expect([0, 0.5, 0.0525, 0.00179, 0.000139, 0.000009].map(formatPercent)).toEqual(["0%", "50.0%", "5.25%", "0.179%", "0.0139%", "0.00090%"]);
  });

  it("formats durations with at most two units", () => {
    expect([0, 850, 42_000, 187_000, 7_500_000, -1, Infinity].map(formatDuration)).toEqual(["0ms", "850ms", "42s", "3m07s", "2h05m", "–", "–"]);
  });

  it("shortens HF BERT positions and leaves unknown ones alone", () => {
    expect(shortPosition("attention.self.value")).toBe("attn.v");
    expect(shortPosition("output")).toBe("ffn.out");
    expect(shortPosition("decoder.cross_attention")).toBe("decoder.cross_attention");
    expect(shortSite(3, "intermediate.dense")).toBe("L3 ffn.in");
    expect(shortSite(null, "embeddings")).toBe("emb");
  });
});
