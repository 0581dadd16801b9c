// A tiny search end to end through the built CLI on the embedded backbone and task (tiny settings),
// then `train --structure` and `eval` on its run; other tasks and the summary on the tiny model.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runS3pet, tempDir, TINY_RUN, TINY_SETTINGS } from "./s3pet-process.js";

const RESULT_KEYS = ["task", "metric", "budget", "backboneParams", "chosenParams", "structure", "supernet", "retrained", "majorityBaseline", "seconds", "peakRssMB"];

describe("s3pet search -> train --structure -> eval", () => {
  const dir = tempDir("search");
  const run = join(dir, "search");

  it("search writes a complete run directory and prints results.json with --json", async () => {
    const r = await runS3pet(["search", ...TINY_SETTINGS, "--out", run, "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const results = JSON.parse(r.stdout);
    expect(Object.keys(results)).toEqual(expect.arrayContaining(RESULT_KEYS));
    expect(results).toMatchObject({ task: "spam", metric: "accuracy", budgetSpec: "1%" });
    expect(results.budget).toBe(Math.floor(results.backboneParams / 100)); // the default budget: 1% of the backbone
    expect(results.chosenParams).toBeLessThanOrEqual(results.budget);
    expect(results.chosenParams).toBe(results.structure.reduce((s: number, m: { params: number }) => s + m.params, 0));
    for (const split of ["supernet", "retrained"]) {
      for (const score of Object.values(results[split]) as number[]) expect(score).toBeGreaterThanOrEqual(0);
    }
    expect(results.majorityBaseline.test).toBeGreaterThan(0);
    for (const file of ["run.json", "events.jsonl", "candidates.json", "structure.json", "results.json", "cli.json", "adapter/adapter_config.json", "adapter/adapter_model.safetensors", "checkpoints"]) {
      expect(existsSync(join(run, file)), file).toBe(true);
    }
    // the label mapping is saved with the run: head output i is labels[i]
    expect(JSON.parse(readFileSync(join(run, "cli.json"), "utf8")).task).toMatchObject({ name: "spam", labels: ["ham", "spam"], sizes: { train: 48, validation: 48, test: 48 } });
    const events = readFileSync(join(run, "events.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
    expect(events[0].type).toBe("run-start");
    expect(events.at(-1)).toMatchObject({ type: "run-end", status: "done" });
    // progress went to stderr as plain lines (not a TTY), stdout holds only the JSON
    expect(r.stderr).toMatch(/phase search/);
    expect(r.stderr).toMatch(/run done in/);
  });

  it("train --structure <run>/structure.json reproduces the re-training with the run's options", async () => {
    const results = JSON.parse(readFileSync(join(run, "results.json"), "utf8"));
    const r = await runS3pet(["train", "--structure", join(run, "structure.json"), "--out", join(dir, "train"), "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const trained = JSON.parse(r.stdout);
    expect(trained.structure).toEqual(results.structure);
    expect(trained.retrained).toEqual(results.retrained);
  });

  it("eval <run> re-scores the saved adapter to the recorded test score", async () => {
    const results = JSON.parse(readFileSync(join(run, "results.json"), "utf8"));
    const r = await runS3pet(["eval", run, "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const scores = JSON.parse(r.stdout);
    expect(scores.test).toBe(results.retrained.test);
    expect(scores.validation).toBe(results.retrained.validation);
    expect(scores.recorded).toEqual(results.retrained);
  });

  it("trains on a GLUE-format directory and a custom CSV task", async () => {
    const glue = await runS3pet(["train", ...TINY_RUN, "--task", "glue:mrpc:packages/data/test-fixtures/glue/MRPC", "--structure", "bitfit", "--out", join(dir, "mrpc"), "--json"]);
    expect(glue.code, glue.stderr).toBe(0);
    expect(JSON.parse(glue.stdout)).toMatchObject({ task: "glue:mrpc", metric: "f1" });
    const custom = join(dir, "custom");
    mkdirSync(custom);
    const rows = Array.from({ length: 40 }, (_, i) => `"note ${i}, ${i % 2 ? "urgent" : "later"}",${i % 2 ? "high" : "low"}`);
    writeFileSync(join(custom, "train.csv"), ["body,priority", ...rows].join("\n"));
    const r = await runS3pet(["train", ...TINY_RUN, "--task", custom, "--text-field", "body", "--label-field", "priority", "--structure", "lora", "--out", join(dir, "csv"), "--json"]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ task: "custom", metric: "accuracy" });
    expect(r.stderr).toMatch(/no validation or test file: carved validation \(4 rows\) and test \(4 rows\)/);
  });

  it("prints the summary table without --json", async () => {
    const r = await runS3pet(["train", ...TINY_RUN, "--structure", "bitfit", "--out", join(dir, "bitfit"), "--ui", "plain"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/\nstructure   \d+ modules, [\d,]+ params\n/);
    expect(r.stdout).toMatch(/\nscores \(accuracy\)  validation    test\ntrained +[\d.]+ +[\d.]+\nmajority baseline +– +[\d.]+\n/);
  });
});
