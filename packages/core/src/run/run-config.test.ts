import { describe, expect, it } from "vitest";
import { S3petInputError } from "../errors/s3pet-error.js";
import { DEFAULT_SEARCH_CONFIG, resolveSearchConfig, resolveTrainConfig } from "./run-config.js";

describe("run configuration", () => {
  it("fills defaults (docs/METHOD.md §5) and keeps given values", () => {
    const c = resolveSearchConfig({ budget: "0.01%", batchSize: 8, lr: undefined });
    expect(c.command).toBe("search");
    expect(c.budget).toBe("0.01%");
    expect(c.batchSize).toBe(8);
    expect([c.lr, c.alphaLr, c.weightDecay, c.maxGradNorm, c.temperature]).toEqual([3e-4, 0.1, 0, 2, 1]);
    expect([c.shiftGradient, c.order, c.hardGates]).toEqual(["implicit", "first", false]);
    expect(DEFAULT_SEARCH_CONFIG.budget).toBe("0.1%");
  });

  it("rejects bad values with one line naming the key and the flag", () => {
    expect(() => resolveSearchConfig({ batchSize: 0 })).toThrow("batchSize must be a positive integer, got 0 (set --batch-size)");
    expect(() => resolveSearchConfig({ shiftGradient: "exact" as never })).toThrow(
      'shiftGradient must be one of implicit, detach-sum, none, got "exact" (set --shift-gradient)',
    );
    expect(() => resolveSearchConfig({ budget: null })).toThrow(/budget is required for a search/);
    expect(() => resolveSearchConfig({ lr: -1 })).toThrow(S3petInputError);
    expect(() => resolveSearchConfig({ include: "query" as never })).toThrow(/include must be a list of site patterns/);
    expect(() => resolveTrainConfig({ structure: { kind: "random" } })).toThrow(/budget is required for a random structure/);
    expect(() => resolveTrainConfig({ structure: { kind: "lora" } as never })).toThrow(/structure must be one of modules, preset, random, full/);
  });
});
