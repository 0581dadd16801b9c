import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { gatherFlags } from "./gather-flags.js";
import { runFlags } from "./run-flags.js";
import { writeSavedRunOptions } from "./saved-run-options.js";

const cwd = mkdtempSync(join(tmpdir(), "s3pet-gather-"));
const run = join(cwd, "runs", "s1");
mkdirSync(run, { recursive: true });
writeSavedRunOptions(run, { command: "search", flags: { model: "/m", task: "spam", "max-examples": "64", budget: "1%", out: run, ui: "plain", "retrain-epochs": "2" } });
writeFileSync(join(run, "structure.json"), "{}");
writeFileSync(join(cwd, "cfg.json"), JSON.stringify({ "max-examples": 32, seed: 5 }));

describe("gatherFlags", () => {
  it("--config under flags", () => {
    expect(gatherFlags("search", { config: "cfg.json", seed: "9" }, runFlags("search"), cwd)).toEqual({ "max-examples": "32", seed: "9", config: "cfg.json" });
  });
  it("--resume starts from the run's saved options; given flags win; where it goes is not inherited", () => {
    const flags = gatherFlags("search", { out: "runs/s1", resume: true, budget: "2%" }, runFlags("search"), cwd);
    expect(flags).toEqual({ model: "/m", task: "spam", "max-examples": "64", budget: "2%", "retrain-epochs": "2", out: "runs/s1", resume: true });
  });
  it("train --structure <run>/structure.json starts from that run's options", () => {
    const flags = gatherFlags("train", { structure: "runs/s1/structure.json" }, runFlags("train"), cwd);
    expect(flags).toEqual({ model: "/m", task: "spam", "max-examples": "64", budget: "1%", "retrain-epochs": "2", structure: "runs/s1/structure.json" });
  });
});
