import { availableParallelism } from "node:os";
import { describe, expect, it } from "vitest";
import { resolveRunUnits, shardSize } from "./run-units.js";

describe("resolveRunUnits", () => {
  const cores = Math.max(1, availableParallelism());
  const auto = { workers: null, microBatchSize: "auto" } as const;

  it("runs whole shards when they fit (and without a plan)", () => {
    expect(resolveRunUnits({ workers: 2, microBatchSize: "auto" }, 16, true)).toEqual({ workers: 2, microBatchSize: 8 });
    expect(resolveRunUnits({ workers: 3, microBatchSize: "auto" }, 16, true, () => true)).toEqual({ workers: 3, microBatchSize: 6 });
    expect(resolveRunUnits(auto, 16, false)).toEqual({ workers: 1, microBatchSize: 16 });
  });

  it("picks the largest micro-batch the plan fits, and 1 when none does (the plan then refuses)", () => {
    expect(resolveRunUnits({ workers: 2, microBatchSize: "auto" }, 16, true, (_w, m) => m <= 5)).toEqual({ workers: 2, microBatchSize: 5 });
    expect(resolveRunUnits({ workers: 1, microBatchSize: "auto" }, 16, true, () => false)).toEqual({ workers: 1, microBatchSize: 1 });
  });

  it("caps a given micro-batch at the shard and keeps it otherwise", () => {
    expect(resolveRunUnits({ workers: 2, microBatchSize: 32 }, 16, true)).toEqual({ workers: 2, microBatchSize: 8 });
    expect(resolveRunUnits({ workers: 2, microBatchSize: 3 }, 16, true, () => false)).toEqual({ workers: 2, microBatchSize: 3 });
  });

  it("defaults to every core whose units fit at their smallest micro-batch", () => {
    // units fit the machine up to 1 + (cores - 1) / 2, at any micro-batch
    const cap = Math.max(1, Math.ceil(cores / 2));
    expect(resolveRunUnits(auto, 16, true, (w) => w <= cap).workers).toBe(cap);
    // with a given micro-batch, a count fits only when its shards at that micro-batch do
    expect(resolveRunUnits({ workers: null, microBatchSize: 4 }, 16, true, (w, m) => m <= 4 && w <= cores).workers).toBe(cores);
    expect(shardSize(15, 2)).toBe(8);
  });
});
