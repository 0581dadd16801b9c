import { describe, expect, it } from "vitest";
import { discretizeGreedy } from "./discretize-greedy.js";
// The engine's rule, from core's source (a pure file: no tfjs), to hold the dashboard's copy equal to it.
import { discretizeGreedy as engineDiscretizeGreedy } from "../../../core/src/search/discretize-greedy.js";

describe("discretizeGreedy", () => {
  it("takes candidates by p descending and keeps scanning past one that does not fit", () => {
    // p order: 1 (0.9, 600), 0 (0.8, 500: does not fit 400 left), 3 (0.5, 300), 2 (0.2, 100)
    expect(discretizeGreedy([500, 600, 100, 300], [0.8, 0.9, 0.2, 0.5], 1000)).toEqual([1, 3, 2]);
  });

  it("breaks ties by candidate order", () => {
    expect(discretizeGreedy([1, 1, 1], [0.5, 0.5, 0.5], 2)).toEqual([0, 1]);
  });

  it("chooses what the engine chooses, never exceeds the budget, and leaves out nothing that would still fit", () => {
    let seed = 12345;
    const next = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let trial = 0; trial < 200; trial++) {
      const n = 1 + Math.floor(next() * 30);
      const p = Array.from({ length: n }, next);
      const params = Array.from({ length: n }, () => 1 + Math.floor(next() * 5000));
      const budget = Math.floor(next() * 20000);
      const chosen = discretizeGreedy(params, p, budget);
      expect(chosen).toEqual(engineDiscretizeGreedy(params, p, budget));
      const used = chosen.reduce((s, i) => s + params[i]!, 0);
      expect(used).toBeLessThanOrEqual(budget);
      const left = budget - used;
      for (let i = 0; i < n; i++) if (!chosen.includes(i)) expect(params[i]!).toBeGreaterThan(left);
    }
  });
});
