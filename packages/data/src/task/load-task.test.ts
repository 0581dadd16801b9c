import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadTask } from "./load-task.js";
import { DEFAULT_TASK, builtinTaskNames } from "./builtin-tasks.js";
import { labelCounts, majorityBaseline } from "./majority-baseline.js";

const FIXTURES = new URL("../../test-fixtures/glue/", import.meta.url).pathname;

describe("loadTask", () => {
  it("loads the embedded default task by name: 1500/300/600 rows, ham/spam, majority baseline 0.55", () => {
    expect(builtinTaskNames()).toContain(DEFAULT_TASK);
    const task = loadTask(DEFAULT_TASK, { seed: 42 });
    expect(task.name).toBe("spam");
    expect(task.labelSpace?.toJSON()).toEqual(["ham", "spam"]);
    expect([task.splits.train.length, task.splits.validation.length, task.splits.test.length]).toEqual([1500, 300, 600]);
    expect(labelCounts(task, "test")).toEqual([330, 270]);
    expect(majorityBaseline(task)).toBeCloseTo(0.55, 12);
  });
  it("caps every split with maxExamples", () => {
    const task = loadTask("spam", { seed: 42, maxExamples: 40 });
    expect([task.splits.train.length, task.splits.validation.length, task.splits.test.length]).toEqual([40, 40, 40]);
  });
  it("reads glue:<name>:<dir>", () => {
    expect(loadTask(`glue:cola:${join(FIXTURES, "CoLA")}`, { seed: 1 }).metric.name).toBe("matthews");
  });
  it("explains a --task it cannot resolve", () => {
    expect(() => loadTask("nonsense-task", { seed: 1 })).toThrow(
      "--task nonsense-task: not a built-in task (spam) and no such file or directory; give a directory with train/validation/test files or glue:<name>:<dir>",
    );
    expect(() => loadTask("glue:sst2", { seed: 1 })).toThrow("--task glue:sst2: expected glue:<name>:<dir>, e.g. glue:sst2:./glue/SST-2");
    expect(() => loadTask("spam", { seed: 1, maxExamples: 0 })).toThrow("--max-examples must be a positive integer, got 0");
  });
});
