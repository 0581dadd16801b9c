import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readGridFile } from "@s3pet/sweep";
import { describe, expect, it } from "vitest";
import { checkGridFlags } from "./check-grid-flags.js";

const dir = mkdtempSync(join(tmpdir(), "s3pet-grid-flags-"));
function gridOf(name: string, grid: unknown) {
  writeFileSync(join(dir, name), JSON.stringify(grid));
  return readGridFile(name, dir);
}

describe("checkGridFlags", () => {
  it("accepts run flags, method options and both commands", async () => {
    const grid = gridOf("good.json", [
      { budget: ["0.1%", "1%"], "lora.rank": [2, 4], seed: [1, 2], "max-examples": 64 },
      { command: "train", structure: ["lora", "bitfit"], seed: 1 },
    ]);
    expect(grid.points).toHaveLength(10);
    await expect(checkGridFlags(grid, "good.json")).resolves.toBeUndefined();
  });

  it("names the grid file, the run and its axes for a flag the command does not have", async () => {
    const grid = gridOf("typo.json", { budgte: ["0.1%", "1%"] });
    await expect(checkGridFlags(grid, "typo.json")).rejects.toThrow(/^typo\.json: run search-[0-9a-f]{12} \(budgte=0\.1%\): unknown option '--budgte' for s3pet search \(see s3pet search --help\)$/);
  });

  it("finds a flag of the other command", async () => {
    const grid = gridOf("train-only.json", { command: "search", structure: "lora" });
    await expect(checkGridFlags(grid, "train-only.json")).rejects.toThrow(/unknown option '--structure' for s3pet search/);
  });

  it("checks every value by its declaration, not only the first run's", async () => {
    const grid = gridOf("value.json", { budget: ["1%", "lots"], seed: 1 });
    await expect(checkGridFlags(grid, "value.json")).rejects.toThrow(/^value\.json: run search-[0-9a-f]{12} \(budget=lots\): --budget must be a positive number/);
  });

  it("checks a train run's structure: a preset of the installed methods, a file, random or full", async () => {
    const grid = gridOf("preset.json", { command: "train", structure: ["lora", "random", "no-such-preset"] });
    await expect(checkGridFlags(grid, "preset.json")).rejects.toThrow(/^preset\.json: run train-[0-9a-f]{12} \(structure=no-such-preset\): --structure no-such-preset: not a structure\.json/);
  });

  it("checks values of method options", async () => {
    const grid = gridOf("rank.json", { "lora.rank": [4, -1] });
    await expect(checkGridFlags(grid, "rank.json")).rejects.toThrow(/^rank\.json: run search-[0-9a-f]{12} \(lora\.rank=-1\): .*lora\.rank/);
  });
});
