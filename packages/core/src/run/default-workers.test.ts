import { availableParallelism } from "node:os";
import { describe, expect, it } from "vitest";
import { defaultWorkers, resolveWorkers } from "./default-workers.js";

describe("resolveWorkers", () => {
  const cores = Math.max(1, availableParallelism());

  it("defaults to every core with a worker recipe, capped by what fits; 1 without a recipe", () => {
    expect(resolveWorkers(null, true)).toBe(cores);
    expect(resolveWorkers(null, true, () => true)).toBe(cores);
    expect(resolveWorkers(null, true, () => false)).toBe(1);
    expect(resolveWorkers(null, true, (w) => w <= 1)).toBe(1);
    expect(defaultWorkers((w) => w <= Math.max(1, cores - 1))).toBe(Math.max(1, cores - 1));
    expect(resolveWorkers(null, false, () => true)).toBe(1);
  });

  it("keeps a given count (the caller's plan checks it), and refuses more than 1 without a recipe", () => {
    expect(resolveWorkers(3, true, () => false)).toBe(3);
    expect(() => resolveWorkers(2, false)).toThrow(/--workers 1/);
  });
});
