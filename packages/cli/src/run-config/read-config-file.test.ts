import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readConfigFile } from "./read-config-file.js";
import { runFlags } from "./run-flags.js";

const flags = { ...runFlags("search"), "lora.rank": { type: "string", description: "lora: rank" } } as const;
function config(value: unknown): string {
  const path = join(mkdtempSync(join(tmpdir(), "s3pet-config-")), "run.json");
  writeFileSync(path, typeof value === "string" ? value : JSON.stringify(value));
  return path;
}

describe("readConfigFile", () => {
  it("takes the flag names as keys and turns values into flag values", () => {
    const path = config({ budget: "0.05%", "batch-size": 8, methods: ["lora", "bitfit"], include: "attention.self.query", "hard-gates": true, "lora.rank": 4 });
    expect(readConfigFile(path, flags, "search")).toEqual({
      budget: "0.05%",
      "batch-size": "8",
      methods: "lora,bitfit",
      include: ["attention.self.query"],
      "hard-gates": true,
      "lora.rank": "4",
    });
  });
  it("rejects unknown keys, suggesting the flag name for camelCase", () => {
    expect(() => readConfigFile(config({ batchSize: 8 }), flags, "search")).toThrow('unknown key "batchSize" (keys are the flag names; did you mean "batch-size"?)');
    expect(() => readConfigFile(config({ config: "other.json" }), flags, "search")).toThrow('unknown key "config" (keys are the flag names; see s3pet search --help)');
  });
  it("rejects values of the wrong type and files that are not JSON objects", () => {
    expect(() => readConfigFile(config({ resume: "yes" }), flags, "search")).toThrow('"resume" must be true or false, got "yes"');
    expect(() => readConfigFile(config({ seed: { n: 1 } }), flags, "search")).toThrow('"seed" must be a string or a number, got {"n":1}');
    expect(() => readConfigFile(config({ "batch-size": 0 }), flags, "search")).toThrow(/^--config .*run\.json: "batch-size" must be an integer >= 1, got '0' \(fix it there, or give --batch-size\)$/);
    expect(() => readConfigFile(config({ ui: "bogus" }), flags, "search")).toThrow(/: "ui" must be one of tui, plain, json, got 'bogus'/);
    expect(() => readConfigFile(config("[1]"), flags, "search")).toThrow("expected a JSON object whose keys are flag names");
    expect(() => readConfigFile(config("{oops"), flags, "search")).toThrow(/^--config .*run\.json: invalid JSON \(/);
    expect(() => readConfigFile("/nope/run.json", flags, "search")).toThrow("--config /nope/run.json: cannot read (ENOENT); check the path");
  });
});
