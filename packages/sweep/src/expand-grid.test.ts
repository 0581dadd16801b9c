import { describe, expect, it } from "vitest";
import { expandGrid, pointArgs } from "./expand-grid.js";

describe("expandGrid", () => {
  it("is the cross product of the list values, scalars on every run", () => {
    const points = expandGrid({ command: "train", task: ["spam", "./mytask"], structure: ["lora", "bitfit"], seed: [1, 2], "max-examples": 500 });
    expect(points).toHaveLength(8);
    expect(points.map((p) => p.axes)).toContainEqual({ task: "./mytask", structure: "bitfit", seed: "1" });
    expect(new Set(points.map((p) => p.id)).size).toBe(8);
    expect(points.every((p) => p.flags["max-examples"] === 500 && p.command === "train")).toBe(true);
    expect(pointArgs(points[0]!)).toEqual(["train", "--max-examples", "500", "--task", "spam", "--structure", "lora", "--seed", "1"]);
  });

  it("gives a run the same id whatever the key order or the grid around it", () => {
    const [a] = expandGrid({ seed: 1, task: "spam" });
    const b = expandGrid({ task: "spam", seed: [3, 1] })[1];
    expect(a!.id).toBe(b!.id);
    expect(a!.id).toMatch(/^search-[0-9a-f]{12}$/);
    expect(expandGrid({ task: "spam", seed: 2 })[0]!.id).not.toBe(a!.id);
    expect(expandGrid({ command: "train", task: "spam", seed: 1 })[0]!.id).not.toBe(a!.id);
  });

  it("passes booleans as bare flags and a nested list as a repeated flag", () => {
    const [p] = expandGrid({ "count-head": true, "hard-gates": false, include: [["query", "value"]] });
    expect(pointArgs(p!)).toEqual(["search", "--count-head", "--include", "query", "--include", "value"]);
  });

  it("takes a list of grids as their union, each run once", () => {
    const points = expandGrid([{ command: "search", budget: ["0.1%", "1%"], seed: 1 }, { command: "train", structure: ["lora", "full"], seed: 1 }, { seed: 1, budget: "1%" }]);
    expect(points.map((p) => `${p.command} ${JSON.stringify(p.axes)}`)).toEqual(['search {"budget":"0.1%"}', 'search {"budget":"1%"}', 'train {"structure":"lora"}', 'train {"structure":"full"}']);
  });

  it("rejects what is not a grid with one line naming the key", () => {
    expect(() => expandGrid([1], "g.json")).toThrow(/g.json \[0\]: a grid is an object/);
    expect(() => expandGrid("x", "g.json")).toThrow(/g.json: a grid is an object/);
    expect(() => expandGrid({ command: "eval" })).toThrow(/"command" must be "search" or "train"/);
    expect(() => expandGrid({ out: "x" })).toThrow(/"out" is set by the sweep/);
    expect(() => expandGrid({ seed: [] })).toThrow(/"seed" is an empty list/);
    expect(() => expandGrid({ "--seed": 1 })).toThrow(/not a flag name/);
    expect(() => expandGrid({ seed: { a: 1 } })).toThrow(/"seed" has the value/);
  });
});
