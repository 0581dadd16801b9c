import { describe, expect, it } from "vitest";
import { CheckpointError, S3petInputError } from "../errors/s3pet-error.js";
import { SeededRng, type RngState } from "./seeded-rng.js";

const draw = (rng: SeededRng, n: number) => Array.from({ length: n }, () => rng.next());

describe("SeededRng", () => {
  it("is deterministic per seed and differs between seeds", () => {
    expect(draw(new SeededRng(42), 5)).toEqual(draw(new SeededRng(42), 5));
    expect(draw(new SeededRng(42), 5)).not.toEqual(draw(new SeededRng(43), 5));
    expect(draw(new SeededRng(0), 3)).not.toEqual(draw(new SeededRng(2 ** 32), 3)); // high bits count
  });

  it("draws uniforms in [0, 1) with the right mean and spread", () => {
    const xs = draw(new SeededRng(1), 20000);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.01);
    const buckets = new Array(10).fill(0);
    for (const x of xs) buckets[Math.floor(x * 10)]++;
    for (const count of buckets) expect(Math.abs(count - 2000)).toBeLessThan(200);
  });

  it("draws integers in [0, n) hitting every value, and rejects a bad n", () => {
    const rng = new SeededRng(3);
    const seen = new Set(Array.from({ length: 500 }, () => rng.nextInt(7)));
    expect([...seen].sort()).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(() => rng.nextInt(0)).toThrow(RangeError);
    expect(() => rng.nextInt(2.5)).toThrow(RangeError);
  });

  it("draws standard normals", () => {
    const rng = new SeededRng(5);
    const xs = Array.from({ length: 20000 }, () => rng.normal());
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(variance - 1)).toBeLessThan(0.05);
    expect(xs.every(Number.isFinite)).toBe(true);
  });

  it("shuffles in place into a permutation, reproducibly", () => {
    const a = Array.from({ length: 20 }, (_, i) => i);
    const b = [...a];
    expect(new SeededRng(9).shuffle(a)).toBe(a);
    new SeededRng(9).shuffle(b);
    expect(a).toEqual(b);
    expect([...a].sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(a).not.toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it("gives integer seeds for tf.random ops", () => {
    const rng = new SeededRng(11);
    const seeds = Array.from({ length: 100 }, () => rng.nextSeed());
    expect(seeds.every((s) => Number.isInteger(s) && s >= 0 && s < 2 ** 31 - 1)).toBe(true);
    expect(new Set(seeds).size).toBe(100);
  });

  it("forks independent streams by label without advancing the parent", () => {
    const parent = new SeededRng(7);
    const before = parent.getState();
    const a1 = draw(parent.fork("split"), 4);
    const a2 = draw(parent.fork("split"), 4);
    const b = draw(parent.fork("gates"), 4);
    expect(parent.getState()).toEqual(before);
    expect(a1).toEqual(a2);
    expect(a1).not.toEqual(b);
    expect(a1).not.toEqual(draw(new SeededRng(7), 4));
    parent.next();
    expect(draw(parent.fork("split"), 4)).not.toEqual(a1); // forks follow the parent's state
  });

  it("round-trips its state through JSON and continues the same stream", () => {
    const rng = new SeededRng(123);
    draw(rng, 17);
    const saved = JSON.parse(JSON.stringify(rng.getState())) as RngState;
    const expected = draw(rng, 10);
    expect(draw(SeededRng.fromState(saved), 10)).toEqual(expected);
    expect(saved.algorithm).toBe("xoshiro128**");
  });

  it("rejects bad seeds and corrupt states with one-line errors", () => {
    expect(() => new SeededRng(1.5)).toThrow(S3petInputError);
    expect(() => new SeededRng(Number.NaN)).toThrow("seed must be an integer, got NaN (set --seed to a whole number)");
    const bad = [
      { algorithm: "mulberry32", state: [1, 2, 3, 4] },
      { algorithm: "xoshiro128**", state: [0, 0, 0, 0] },
      { algorithm: "xoshiro128**", state: [1, 2, 3] },
      { algorithm: "xoshiro128**", state: [1, 2, 3, -4] },
      null,
    ];
    for (const state of bad) expect(() => SeededRng.fromState(state as unknown as RngState)).toThrow(CheckpointError);
  });
});
