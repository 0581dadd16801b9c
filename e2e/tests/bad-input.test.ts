// Every bad input is exit code 2 and one line on stderr that names the input (docs/ARCHITECTURE.md "CLI").
import { cpSync, mkdirSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runS3pet, tempDir, TINY_MODEL, TINY_RUN } from "./s3pet-process.js";

async function expectOneLineError(args: readonly string[], pattern: RegExp) {
  const r = await runS3pet(args);
  expect(r.code, r.stderr).toBe(2);
  expect(r.stdout).toBe(""); // nothing started: no progress lines either
  const lines = r.stderr.split("\n").filter((l) => l !== "");
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  return r;
}

describe("bad input: exit 2, one line naming the input", () => {
  const dir = tempDir("bad");

  it("an unknown flag", async () => {
    await expectOneLineError(["search", "--budgte", "1%"], /^s3pet search: unknown option '--budgte' \(see s3pet search --help\)$/);
  });

  it("a missing model directory", async () => {
    await expectOneLineError(["search", "--model", join(dir, "no-model")], /^s3pet search: .*no-model: no such directory; pass a checkpoint directory/);
  });

  it("a corrupt safetensors file", async () => {
    const model = join(dir, "corrupt-model");
    cpSync(TINY_MODEL, model, { recursive: true });
    truncateSync(join(model, "model.safetensors"), 100);
    await expectOneLineError(["search", ...TINY_RUN, "--model", model, "--out", join(dir, "r1")], /^s3pet search: .*model\.safetensors: .+/);
  });

  it("a malformed JSONL line", async () => {
    const task = join(dir, "task");
    mkdirSync(task);
    const row = (i: number) => JSON.stringify({ text: `message ${i}`, label: i % 2 ? "spam" : "ham" });
    writeFileSync(join(task, "train.jsonl"), [row(1), row(2), '{"text": "oops", "label": }', row(3)].join("\n"));
    writeFileSync(join(task, "test.jsonl"), [row(4), row(5)].join("\n"));
    await expectOneLineError(["search", ...TINY_RUN, "--task", task, "--out", join(dir, "r2")], /^s3pet search: .*task\/train\.jsonl:3: invalid JSON \(.+\); fix or remove the line$/);
  });

  it("an impossible budget", async () => {
    await expectOneLineError(["search", ...TINY_RUN, "--budget", "3", "--out", join(dir, "r3")], /^s3pet search: budget of 3 parameters is below the cheapest candidate .*raise --budget/);
  });

  it("a bad method option", async () => {
    await expectOneLineError(["search", ...TINY_RUN, "--lora.rank", "0", "--out", join(dir, "r5")], /^s3pet search: lora: rank must be an integer >= 1, got '0' \(set --lora\.rank\)$/);
    await expectOneLineError(["search", ...TINY_RUN, "--lora.rank", "abc", "--out", join(dir, "r5")], /^s3pet search: lora: rank must be an integer >= 1, got 'abc' \(set --lora\.rank\)$/);
  });

  it("a bad run option value: each names its flag and what is allowed", async () => {
    await expectOneLineError(["search", "--ui", "bogus"], /^s3pet search: --ui must be one of tui, plain, json, got 'bogus'$/);
    await expectOneLineError(["search", "--budget", "-5"], /^s3pet search: --budget must be a positive number of parameters \(12000\) or a percentage \(0\.1%\), got '-5'$/);
  });

  it("a bad method option inside a structure.json names the file, not a flag", async () => {
    const structure = join(dir, "bad-options", "structure.json");
    mkdirSync(join(dir, "bad-options"), { recursive: true });
    writeFileSync(structure, JSON.stringify({ structure: [{ site: "encoder.layer.0.attention.self.query", method: "lora", options: { rank: 0 }, params: 1 }] }));
    await expectOneLineError(["train", ...TINY_RUN, "--structure", structure, "--out", join(dir, "r8")], /^s3pet train: .*bad-options\/structure\.json: module 0: lora: rank must be an integer >= 1, got 0 \(fix it in that file\)$/);
  });

  it("an unknown method", async () => {
    await expectOneLineError(["search", ...TINY_RUN, "--methods", "lora,dora", "--out", join(dir, "r4")], /^s3pet search: --methods: unknown PET method 'dora': install @s3pet\/plugin-dora/);
  });

  it("a structure that does not fit the backbone, and a random structure under an impossible budget", async () => {
    const structure = join(dir, "structure.json");
    writeFileSync(structure, JSON.stringify({ structure: [{ site: "encoder.layer.9.attention.self.query", method: "lora", options: {}, params: 1 }] }));
    await expectOneLineError(["train", ...TINY_RUN, "--structure", structure, "--out", join(dir, "r6")], /^s3pet train: .*structure\.json: module 0 names site 'encoder\.layer\.9\.attention\.self\.query', which this backbone does not have/);
    await expectOneLineError(["train", ...TINY_RUN, "--structure", "random", "--budget", "5", "--out", join(dir, "r7")], /^s3pet train: budget of 5 parameters is below the cheapest candidate/);
  });

  it("a bad value, a bad --config key and an existing --out", async () => {
    await expectOneLineError(["train", "--batch-size", "zero"], /^s3pet train: --batch-size must be an integer >= 1, got 'zero'$/);
    const config = join(dir, "config.json");
    writeFileSync(config, JSON.stringify({ batchSize: 4 }));
    await expectOneLineError(["search", "--config", config], /unknown key "batchSize" \(keys are the flag names; did you mean "batch-size"\?\)$/);
    const taken = join(dir, "taken");
    mkdirSync(taken);
    writeFileSync(join(taken, "run.json"), "{}");
    await expectOneLineError(["search", "--out", taken], /--out .*taken: already holds a run and is never overwritten; pass --resume/);
  });
});
