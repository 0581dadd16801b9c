import { describe, expect, it } from "vitest";
import { accuracy } from "./accuracy.js";
import { f1 } from "./f1.js";
import { matthews } from "./matthews.js";
import { averageRanks, pearson, pearsonSpearman, spearman } from "./pearson-spearman.js";
import { findMetric, METRICS } from "./metrics.js";

// Expected values are computed by hand (the arithmetic is in the comments).
describe("accuracy", () => {
  it("is the fraction of matches", () => {
    expect(accuracy([1, 0, 1, 1], [1, 1, 1, 0])).toBe(0.5); // 2 of 4
    expect(accuracy([], [])).toBe(0);
  });
});

describe("f1 (positive class 1)", () => {
  it("is 2TP / (2TP + FP + FN)", () => {
    // TP = 2 (i = 0, 4), FP = 1 (i = 1), FN = 1 (i = 2) -> 4 / 6
    expect(f1([1, 1, 0, 0, 1], [1, 0, 1, 0, 1])).toBeCloseTo(2 / 3, 12);
  });
  it("is 0 when nothing is positive (undefined ratio) and when all positives are missed", () => {
    expect(f1([0, 0], [0, 0])).toBe(0);
    expect(f1([0, 0, 0], [1, 1, 0])).toBe(0);
  });
});

describe("matthews", () => {
  it("matches the binary formula (TP·TN − FP·FN) / sqrt(...)", () => {
    // TP = 2, TN = 1, FP = 1, FN = 1 -> (2 − 1) / sqrt(3·3·2·2) = 1/6
    expect(matthews([1, 1, 0, 0, 1], [1, 0, 1, 0, 1], 2)).toBeCloseTo(1 / 6, 12);
  });
  it("is 1 for perfect, -1 for inverted and 0 for constant predictions", () => {
    expect(matthews([0, 1, 1, 0], [0, 1, 1, 0], 2)).toBe(1);
    expect(matthews([1, 0, 0, 1], [0, 1, 1, 0], 2)).toBe(-1);
    expect(matthews([1, 1, 1, 1], [0, 1, 1, 0], 2)).toBe(0);
  });
  it("handles more than two classes (Gorodkin R_K)", () => {
    // n = 6, correct = 3, t = [2,2,2], p = [3,1,2]: (3·6 − 12) / sqrt((36 − 14)(36 − 12)) = 6 / sqrt(528)
    expect(matthews([0, 2, 1, 0, 0, 2], [0, 1, 2, 0, 1, 2], 3)).toBeCloseTo(6 / Math.sqrt(528), 12);
  });
});

describe("pearson, spearman and their mean", () => {
  it("pearson of a hand-worked example", () => {
    // dx = [-2,-1,0,1,2], dy = [-1,-2,1,0,2]: sxy = 8, sxx = syy = 10 -> 0.8
    expect(pearson([1, 2, 3, 4, 5], [2, 1, 4, 3, 5])).toBeCloseTo(0.8, 12);
    expect(pearson([1, 2, 3], [3, 2, 1])).toBeCloseTo(-1, 12);
    expect(pearson([1, 1, 1], [1, 2, 3])).toBe(0); // constant side: undefined -> 0
  });
  it("ranks ties by their average position", () => {
    expect(Array.from(averageRanks([10, 20, 20, 5]))).toEqual([2, 3.5, 3.5, 1]);
  });
  it("spearman with a tie", () => {
    // ranks x = [1, 2.5, 2.5, 4], y = [1,2,3,4]: sxy = 4.5, sxx = 4.5, syy = 5 -> 4.5 / sqrt(22.5)
    expect(spearman([1, 2, 2, 3], [10, 20, 30, 40])).toBeCloseTo(4.5 / Math.sqrt(22.5), 12);
  });
  it("the STS-B number is the mean of both", () => {
    // y = x²: spearman 1; pearson: sxy = 25, sxx = 5, syy = 129 -> 25 / sqrt(645)
    expect(pearsonSpearman([1, 2, 3, 4], [1, 4, 9, 16])).toBeCloseTo((1 + 25 / Math.sqrt(645)) / 2, 12);
  });
});

describe("findMetric", () => {
  it("finds metrics by name and kind", () => {
    expect(findMetric("matthews", "classification").range).toEqual([-1, 1]);
    expect(METRICS.map((m) => m.name)).toContain("pearson-spearman");
  });
  it("rejects an unknown metric and a metric of the other kind in one line", () => {
    expect(() => findMetric("auc", "classification")).toThrow("--metric: unknown metric 'auc' (use one of accuracy, f1, matthews)");
    expect(() => findMetric("accuracy", "regression")).toThrow(
      "--metric: metric 'accuracy' scores classification but the task is regression (use one of pearson-spearman, pearson, spearman)",
    );
  });
});
