// The report from run directories holding results.json files in the CLI's format (the fields it reads).
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { expandGrid } from "./expand-grid.js";
import { recordFailure } from "./point-state.js";
import { runDirOf } from "./run-point.js";
import { sweepReport } from "./sweep-report.js";

describe("sweepReport", () => {
  const points = expandGrid({ command: "train", task: ["a", "b"], structure: ["lora", "bitfit"], seed: [1, 2] });
  const runsDir = mkdtempSync(join(tmpdir(), "s3pet-sweep-report-"));
  // lora beats bitfit clearly on a, ties on b (within the std); one bitfit run on b failed.
  const scores: Record<string, number[]> = { "a/lora": [0.9, 0.92], "a/bitfit": [0.7, 0.72], "b/lora": [0.8, 0.7], "b/bitfit": [0.76] };
  for (const p of points) {
    const list = scores[`${p.axes["task"]}/${p.axes["structure"]}`]!;
    const test = list[Number(p.axes["seed"]) - 1];
    if (test === undefined) {
      recordFailure(runsDir, p, "s3pet train: --lr must be positive");
      continue;
    }
    mkdirSync(runDirOf(runsDir, p), { recursive: true });
    writeFileSync(join(runDirOf(runsDir, p), "results.json"), JSON.stringify({ metric: "accuracy", retrained: { validation: 0, test }, chosenParams: p.axes["structure"] === "lora" ? 1000 : 300 }));
  }

  it("has mean ± std over seeds per cell, win/tie/loss on the compared axis, and the failure", () => {
    const report = sweepReport(points, { runsDir });
    expect(report).toContain("| a | lora | 2 | 0.910 ± 0.014 | 1,000 |");
    expect(report).toContain("| b | bitfit | 1 (1 failed) | 0.760 ± 0.000 | 300 |");
    // b/bitfit has one seed only: a single win (task a), no comparison on b.
    expect(report).toContain("- lora against bitfit: 1 wins, 0 ties, 0 losses");
    expect(report).toMatch(/Failed runs \(1\):\n- train-[0-9a-f]{12} \(task b, structure bitfit, seed 2\): s3pet train: --lr must be positive/);
  });

  it("compares the axis asked for", () => {
    expect(sweepReport(points, { runsDir, compare: "task" })).toContain("- a against b: 1 wins, 0 ties, 0 losses");
  });

  it("keeps runs apart that differ in a scalar of a list of grids (one cell per distinct run, not per list axis)", () => {
    // Two grid objects: a search over LoRA only and a preset; "methods" and "structure" are scalars in each.
    const union = expandGrid([{ command: "search", task: "a", methods: "lora", seed: [1, 2] }, { command: "train", task: "a", structure: "lora", seed: [1, 2] }]);
    const dir = mkdtempSync(join(tmpdir(), "s3pet-sweep-report-union-"));
    for (const p of union) {
      mkdirSync(runDirOf(dir, p), { recursive: true });
      const test = p.command === "search" ? 0.6 + Number(p.flags["seed"]) / 100 : 0.9;
      writeFileSync(join(runDirOf(dir, p), "results.json"), JSON.stringify({ metric: "accuracy", retrained: { validation: 0, test }, chosenParams: 10 }));
    }
    const report = sweepReport(union, { runsDir: dir });
    expect(report).toContain("| command | methods | structure | n | test accuracy | params |");
    expect(report).toContain("| search | lora | – | 2 | 0.615 ± 0.007 | 10 |");
    expect(report).toContain("| train | – | lora | 2 | 0.900 ± 0.000 | 10 |");
    // The two runs differ in more than the command, so no pair of cells differs only in it.
    expect(report).toContain("- search against train: 0 wins, 0 ties, 0 losses");
  });
});
