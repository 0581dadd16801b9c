import { describe, expect, it } from "vitest";
import { SeededRng } from "../random/seeded-rng.js";
import { discretizeGreedy } from "./discretize-greedy.js";
import { sampleRandomStructure } from "./sample-random-structure.js";

const sum = (idx: number[], params: number[]) => idx.reduce((s, i) => s + params[i]!, 0);

describe("discretizeGreedy", () => {
  it("takes candidates by p, skipping what no longer fits and scanning on (first fit)", () => {
    const params = [100, 50, 30, 20, 10];
    const p = [0.9, 0.8, 0.7, 0.6, 0.5];
    expect(discretizeGreedy(params, p, 120)).toEqual([0, 3]); // 100, then 50 and 30 do not fit, 20 does
    expect(discretizeGreedy(params, p, 99)).toEqual([1, 2, 4]); // 100 skipped; 50 + 30, then 20 > 19 left is skipped, 10 fits
  });

  it("breaks ties by index and never exceeds the budget on random inputs", () => {
    expect(discretizeGreedy([5, 5, 5], [0.5, 0.5, 0.5], 10)).toEqual([0, 1]);
    const rng = new SeededRng(5);
    for (let trial = 0; trial < 300; trial++) {
      const n = 1 + rng.nextInt(60);
      const params = Array.from({ length: n }, () => 1 + rng.nextInt(10 ** (1 + rng.nextInt(4))));
      const p = Array.from({ length: n }, () => rng.next());
      const budget = 1 + rng.nextInt(params.reduce((a, b) => a + b, 0));
      const chosen = discretizeGreedy(params, p, budget);
      expect(sum(chosen, params)).toBeLessThanOrEqual(budget);
      expect(new Set(chosen).size).toBe(chosen.length);
      // first fit: every skipped candidate with a higher p than some chosen one did not fit when scanned
      const left = budget - sum(chosen, params);
      for (let i = 0; i < n; i++) if (!chosen.includes(i)) expect(params[i]!).toBeGreaterThan(left);
    }
  });
});

describe("sampleRandomStructure", () => {
  it("samples without replacement, never exceeds the budget, and fills it until nothing fits", () => {
    const rng = new SeededRng(9);
    for (let trial = 0; trial < 300; trial++) {
      const n = 1 + rng.nextInt(60);
      const params = Array.from({ length: n }, () => 1 + rng.nextInt(10 ** (1 + rng.nextInt(4))));
      const budget = 1 + rng.nextInt(params.reduce((a, b) => a + b, 0));
      const chosen = sampleRandomStructure(params, budget, (k) => rng.nextInt(k));
      expect(new Set(chosen).size).toBe(chosen.length);
      expect(sum(chosen, params)).toBeLessThanOrEqual(budget);
      const left = budget - sum(chosen, params);
      for (let i = 0; i < n; i++) if (!chosen.includes(i)) expect(params[i]!).toBeGreaterThan(left);
    }
  });

  it("terminates when every remaining candidate is too large (and when none fits at all)", () => {
    let draws = 0;
    const next = (k: number) => {
      draws++;
      return k - 1;
    };
    expect(sampleRandomStructure([1000, 2000, 3000], 10, next)).toEqual([]);
    expect(sampleRandomStructure([4, 1000, 2000, 3000], 10, next)).toEqual([0]);
    expect(draws).toBe(1);
  });

  it("is reproducible for a seed", () => {
    const params = [3, 5, 7, 11, 13, 17, 19];
    const a = new SeededRng(1);
    const b = new SeededRng(1);
    expect(sampleRandomStructure(params, 30, (k) => a.nextInt(k))).toEqual(sampleRandomStructure(params, 30, (k) => b.nextInt(k)));
  });
});
