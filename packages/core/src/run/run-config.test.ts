import { describe, expect, it } from "vitest";
import { S3petInputError } from "../errors/s3pet-error.js";
import { DEFAULT_COMMON_CONFIG, DEFAULT_SEARCH_CONFIG, resolveSearchConfig, resolveTrainConfig } from "./run-config.js";
import { ENGINE_OPTIONS, FULL_FINE_TUNING_LR, runOption } from "./run-options.js";

describe("run configuration", () => {
  it("fills the declared defaults (run-options.ts) and keeps given values", () => {
    const c = resolveSearchConfig({ budget: "0.01%", batchSize: 8, lr: undefined });
    expect(c.command).toBe("search");
    expect(c.budget).toBe("0.01%");
    expect(c.batchSize).toBe(8);
    expect([c.lr, c.alphaLr, c.weightDecay, c.maxGradNorm, c.temperature]).toEqual([3e-3, 0.1, 0, 2, 1]);
    expect([c.shiftGradient, c.order, c.hardGates, c.searchEpochs, c.trainEpochs]).toEqual(["implicit", "first", false, 2, 2]);
    expect(DEFAULT_SEARCH_CONFIG.budget).toBe("1%");
    expect(DEFAULT_COMMON_CONFIG.budget).toBeNull();
  });

  it("takes every default from the one declaration", () => {
    for (const o of ENGINE_OPTIONS) if (o.key !== undefined) expect(DEFAULT_SEARCH_CONFIG[o.key as keyof typeof DEFAULT_SEARCH_CONFIG], o.flag).toEqual(o.default);
    expect(runOption("lr").default).toBe(3e-3);
  });

  it("gives full fine-tuning the paper's rate and a random structure the declared budget only when asked", () => {
    expect(resolveTrainConfig({ structure: { kind: "full" } }).lr).toBe(FULL_FINE_TUNING_LR);
    expect(resolveTrainConfig({ structure: { kind: "full" }, lr: 1e-5 }).lr).toBe(1e-5);
    expect(resolveTrainConfig({ structure: { kind: "preset", name: "x" } })).toMatchObject({ lr: 3e-3, budget: null, trainEpochs: 2 });
  });

  it("reads command-line strings through the declared schemas", () => {
    expect(resolveSearchConfig({ batchSize: "8" as never, include: "query" as never })).toMatchObject({ batchSize: 8, include: ["query"] });
  });

  it("rejects bad values with one line naming the flag", () => {
    expect(() => resolveSearchConfig({ batchSize: 0 })).toThrow("--batch-size must be an integer >= 1, got 0");
    expect(() => resolveSearchConfig({ shiftGradient: "exact" as never })).toThrow("--shift-gradient must be one of implicit, detach-sum, none, got 'exact'");
    expect(() => resolveSearchConfig({ budget: null })).toThrow(/budget is required for a search/);
    expect(() => resolveSearchConfig({ budget: "-5" })).toThrow("--budget must be a positive number of parameters (12000) or a percentage (0.1%), got '-5'");
    expect(() => resolveSearchConfig({ lr: -1 })).toThrow(S3petInputError);
    expect(() => resolveSearchConfig({ lr: Number.NaN })).toThrow("--lr must be a positive number, got NaN");
    expect(() => resolveSearchConfig({ include: 3 as never })).toThrow("--include must be a string or a list of strings, got 3");
    expect(() => resolveTrainConfig({ structure: { kind: "random" } })).toThrow(/budget is required for a random structure/);
    expect(() => resolveTrainConfig({ structure: { kind: "lora" } as never })).toThrow(/structure must be one of modules, preset, random, full/);
  });
});
