import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { CommandIo } from "../cli/command.js";
import { runCli } from "../cli/run-cli.js";
import { COMMANDS } from "./index.js";
import { readT5Reference, TINY_BERT_DIR, TINY_T5_DIR, TINY_T5_V1_1_DIR } from "@s3pet/models/testing";

const fixtureDir = `${TINY_BERT_DIR}/`;
const reference = JSON.parse(readFileSync(`${fixtureDir}reference.json`, "utf8")) as {
  texts: [string, string | null][];
  tokens: string[][];
  input_ids: number[][];
  last_hidden_state: number[][][];
  pooler_output: number[][];
};

async function run(argv: string[]) {
  let stdout = "";
  let stderr = "";
  const io: CommandIo = { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) }, env: {}, cwd: "/" };
  return { code: await runCli(argv, io, COMMANDS), stdout, stderr };
}

const maxAbsDiff = (a: number[], b: number[]) => Math.max(...a.map((x, i) => Math.abs(x - b[i]!)));

describe("s3pet encode", () => {
  it.each(reference.texts.map((t, i) => [i, ...t] as const))("--json matches transformers on fixture text %i", async (i, text, pair) => {
    const r = await run(["encode", "--model", fixtureDir, "--text", text, ...(pair === null ? [] : ["--pair", pair]), "--json"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { tokens: string[]; inputIds: number[]; lastHiddenState: number[][]; pooledOutput: number[] };
    expect(Object.keys(out)).toEqual(["tokens", "inputIds", "lastHiddenState", "pooledOutput"]);
    const n = reference.tokens[i]!.length;
    expect(out.tokens).toEqual(reference.tokens[i]);
    expect(out.inputIds).toEqual(reference.input_ids[i]!.slice(0, n));
    expect(out.lastHiddenState).toHaveLength(n);
    out.lastHiddenState.forEach((row, t) => expect(maxAbsDiff(row, reference.last_hidden_state[i]![t]!)).toBeLessThan(1e-4));
    expect(maxAbsDiff(out.pooledOutput, reference.pooler_output[i]!)).toBeLessThan(1e-4);
  });

  it("prints a short summary without --json", async () => {
    const r = await run(["encode", "--model", fixtureDir, "--text", "The model searches!"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("(bert 2x32 (4 heads, ffn 64, vocab 160))\n");
    expect(r.stdout).toContain("\ntokens  8: [CLS] the model search ##e ##s ! [SEP]\nids     2 5 29 30 103 56 136 3\n");
    expect(r.stdout).toMatch(/\nhidden  \[8, 32\], first token: (-?\d\.\d{4} ){4}\.\.\.\n/);
    expect(r.stdout).toMatch(/\npooled  \[32\]: (-?\d\.\d{4} ){4}\.\.\.\n$/);
  });

  it("bad input exits 2 with one line naming the flag or path and the fix", async () => {
    const noModel = await run(["encode", "--text", "hi"]);
    expect(noModel).toMatchObject({ code: 2, stdout: "", stderr: "s3pet encode: --model: pass a checkpoint directory, e.g. --model assets/backbone\n" });
    const missing = await run(["encode", "--model", "/nonexistent/ckpt", "--text", "hi"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe("s3pet encode: /nonexistent/ckpt: no such directory; pass a checkpoint directory with config.json and model.safetensors\n");
    const tooLong = await run(["encode", "--model", fixtureDir, "--text", "hi", "--max-length", "65"]);
    expect(tooLong.stderr).toBe("s3pet encode: --max-length: expected an integer in [2, 64] (the model's positions), got '65'\n");
  });

  it.each([
    ["T5 1.0", TINY_T5_DIR],
    ["T5 v1.1", TINY_T5_V1_1_DIR],
  ])("%s: --json gives the encoder states of the torch reference within 1e-4", async (_, dir) => {
    const ref = readT5Reference(dir);
    for (const [i, text] of ref.texts.entries()) {
      const r = await run(["encode", "--model", dir, "--text", text, "--json"]);
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      const out = JSON.parse(r.stdout) as { tokens: string[]; inputIds: number[]; lastHiddenState: number[][]; pooledOutput: number[] };
      expect(out.tokens).toEqual(ref.tokens[i]);
      expect(out.lastHiddenState).toHaveLength(ref.tokens[i]!.length);
      out.lastHiddenState.forEach((row, t) => expect(maxAbsDiff(row, ref.encoder_last_hidden_state[i]![t]!)).toBeLessThan(1e-4));
      expect(out.pooledOutput).toHaveLength(32); // the decoder's output at the start token
    }
  });
});
