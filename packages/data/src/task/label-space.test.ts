import { describe, expect, it } from "vitest";
import { LabelSpace } from "./label-space.js";

describe("LabelSpace", () => {
  it("infers a stable order whatever the row order: numeric for integers, else by code point", () => {
    expect(LabelSpace.infer(["spam", "ham", "spam"]).toJSON()).toEqual(["ham", "spam"]);
    expect(LabelSpace.infer(["10", "2", "1"]).toJSON()).toEqual(["1", "2", "10"]);
    expect(LabelSpace.infer(["b", "B", "a"]).toJSON()).toEqual(["B", "a", "b"]);
  });
  it("maps names to ids and back", () => {
    const s = LabelSpace.of(["contradiction", "entailment", "neutral"]);
    expect(s.size).toBe(3);
    expect(s.id("neutral")).toBe(2);
    expect(s.id("other")).toBeUndefined();
    expect(s.name(1)).toBe("entailment");
    expect(() => s.name(3)).toThrow(RangeError);
  });
  it("rejects fixed orders with duplicates or fewer than two labels", () => {
    expect(() => LabelSpace.of(["a", "a"], "task.json labels")).toThrow("task.json labels: label 'a' is listed twice; list each label once");
    expect(() => LabelSpace.of(["a"])).toThrow('labels: a classification task needs at least 2 labels, got ["a"]');
  });
});
