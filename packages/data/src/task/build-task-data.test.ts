import { describe, expect, it } from "vitest";
import { buildTaskData, type TaskDataInput } from "./build-task-data.js";
import type { RawExample } from "./extract-examples.js";
import { labelCounts, majorityBaseline } from "./majority-baseline.js";
import { findMetric } from "../metrics/metrics.js";

const raw = (labels: readonly (string | number)[], file = "train.jsonl"): RawExample[] =>
  labels.map((label, i) => ({ file, line: i + 1, text: `text ${i}`, textPair: null, label }));

const base = (over: Partial<TaskDataInput> = {}): TaskDataInput => ({
  name: "t",
  kind: "classification",
  metric: findMetric("accuracy", "classification"),
  hasPairs: false,
  raw: { train: raw([...Array(60).fill("a"), ...Array(40).fill("b")]) },
  files: { train: "train.jsonl" },
  seed: 7,
  ...over,
});

describe("buildTaskData", () => {
  it("carves validation and test out of train, seeded and stratified, and says so", () => {
    const task = buildTaskData(base());
    expect([task.splits.train.length, task.splits.validation.length, task.splits.test.length]).toEqual([80, 10, 10]);
    expect(labelCounts(task, "validation")).toEqual([6, 4]);
    expect(labelCounts(task, "test")).toEqual([6, 4]);
    expect(task.notes).toEqual(["no validation or test file: carved validation (10 rows) and test (10 rows) out of train.jsonl, seeded (7) and stratified by label"]);
    expect(task.sources.validation).toBe("train.jsonl (seeded 10 % of it)");
    // every example is in exactly one split
    const texts = [...task.splits.train, ...task.splits.validation, ...task.splits.test].map((e) => e.text);
    expect(new Set(texts).size).toBe(100);
  });
  it("is deterministic for a seed and differs across seeds", () => {
    const texts = (seed: number) => buildTaskData(base({ seed })).splits.test.map((e) => e.text);
    expect(texts(7)).toEqual(texts(7));
    expect(texts(7)).not.toEqual(texts(8));
  });
  it("uses given splits as they are", () => {
    const task = buildTaskData(base({ raw: { train: raw(["a", "b"]), validation: raw(["b"], "v.jsonl"), test: raw(["a", "a"], "t.jsonl") }, files: { train: "train.jsonl", validation: "v.jsonl", test: "t.jsonl" } }));
    expect(task.splits.test.map((e) => e.label)).toEqual([0, 0]);
    expect(task.notes).toEqual([]);
  });
  it("caps each split at --max-examples, keeping the label balance", () => {
    const task = buildTaskData(base({ maxExamples: 20 }));
    expect(task.splits.train.length).toBe(20);
    expect(labelCounts(task, "train")).toEqual([12, 8]);
    expect(task.notes.at(-1)).toBe("--max-examples 20: train capped from 80 to 20 rows (seeded, stratified)");
  });
  it("maps labels to ids in the stable order and rejects a label unseen in train with file and line", () => {
    const input = base({ raw: { train: raw(["b", "a"]), validation: raw(["a"], "v.jsonl"), test: raw(["a", "c"], "t.jsonl") }, files: { train: "train.jsonl", validation: "v.jsonl", test: "t.jsonl" } });
    expect(() => buildTaskData(input)).toThrow("t.jsonl:2: unknown label 'c' (labels seen in train: a, b); fix the label or add it to train");
  });
  it("fails before training on empty data, a single class, or constant regression targets", () => {
    expect(() => buildTaskData(base({ raw: { train: [] } }))).toThrow("task 't': train.jsonl has no rows; a task needs training examples");
    expect(() => buildTaskData(base({ raw: { train: raw(Array(30).fill("ham")) } }))).toThrow(
      "task 't': train has a single class 'ham' (24 rows); a classifier needs at least two — check --label-field, the data, or raise --max-examples",
    );
    expect(() =>
      buildTaskData(base({ raw: { train: raw(["a", "b"]), validation: [], test: raw(["a"]) }, files: { train: "train.jsonl", validation: "v.jsonl", test: "t.jsonl" } })),
    ).toThrow("task 't': the validation split is empty (v.jsonl); give it rows or raise --max-examples");
    expect(() =>
      buildTaskData(base({ kind: "regression", metric: findMetric("pearson", "regression"), raw: { train: raw(Array(20).fill(2.5)) } })),
    ).toThrow("task 't': every train target is 2.5; a regression task needs varying targets");
  });
  it("gives the majority-class baseline with the task's metric", () => {
    const task = buildTaskData(base());
    expect(majorityBaseline(task, "test")).toBeCloseTo(0.6, 12); // always 'a': 6 of 10
    const f1Task = buildTaskData(base({ metric: findMetric("f1", "classification") }));
    expect(majorityBaseline(f1Task)).toBe(0); // the majority class is 0: no positive predictions
  });
});
