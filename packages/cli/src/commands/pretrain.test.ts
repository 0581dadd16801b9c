import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { CommandIo } from "../cli/command.js";
import { runCli } from "../cli/run-cli.js";
import { COMMANDS } from "./index.js";
import { PRETRAIN_OPTIONS, recipeFlags } from "./pretrain.js";

async function run(argv: string[], cwd = "/", env: Record<string, string> = {}) {
  let stdout = "";
  let stderr = "";
  const io: CommandIo = { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) }, env, cwd };
  return { code: await runCli(argv, io, COMMANDS), stdout, stderr };
}

const dir = mkdtempSync(join(tmpdir(), "s3pet-cli-pretrain-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("s3pet pretrain", () => {
  it("--help shows the defaults that reproduce the embedded backbone, and examples", async () => {
    const r = await run(["pretrain", "--help"]);
    expect(r.code).toBe(0);
    for (const text of ["--out", "assets/backbone", "--steps", "6400", "--batch-size", "32", "--layers", "--hidden", "128", "--vocab-size", "8000", "relative_key", "--seed", "--lr", "0.003", "--mask-prob", "0.3", "--corpus", "~/.cache/s3pet/corpus", "--resume", "node tools/corpus/prepare-corpus.mjs && s3pet pretrain", "s3pet pretrain --out runs/bert-2x64"]) {
      expect(r.stdout).toContain(text);
    }
  });

  it("its defaults are the recipe of the committed assets/backbone: the report's command, --out aside", () => {
    const report = JSON.parse(readFileSync(new URL("../../../../assets/backbone/pretrain-report.json", import.meta.url), "utf8")) as { command: string };
    const d = (flag: string) => PRETRAIN_OPTIONS.find((o) => o.flag === flag)!.default as never;
    const defaults = recipeFlags({
      steps: d("steps"), batchSize: d("batch-size"), layers: d("layers"), hidden: d("hidden"), vocabSize: d("vocab-size"),
      positionEmbeddingType: d("position-embedding-type"), seed: d("seed"), learningRate: d("lr"), maskProb: d("mask-prob"), corpus: d("corpus"),
    });
    expect(report.command.replace(/^s3pet pretrain --out \S+ /, "")).toBe(defaults);
  });

  it("bad input exits 2 with one line naming the flag and the fix", async () => {
    expect(await run(["pretrain", "--steps", "0"])).toMatchObject({ code: 2, stdout: "", stderr: "s3pet pretrain: --steps must be an integer >= 1, got '0'\n" });
    expect((await run(["pretrain", "--hidden", "big"])).stderr).toBe("s3pet pretrain: --hidden must be an integer >= 1, got 'big'\n");
    expect((await run(["pretrain", "--seed", "1.5"])).stderr).toBe("s3pet pretrain: --seed must be an integer >= 0, got '1.5'\n");
    expect((await run(["pretrain", "--mask-prob", "1", "--out", dir])).stderr).toBe("s3pet pretrain: --mask-prob must be below 1, got 1; BERT's is 0.15\n");
    expect((await run(["pretrain", "--lr", "0"])).stderr).toMatch(/^s3pet pretrain: --lr must be a positive number, got '0'/);
    expect((await run(["pretrain", "--hidden", "100", "--out", dir, "--corpus", "none"])).stderr).toBe("s3pet pretrain: --hidden 100 must be a multiple of 32 (one attention head per 32 dimensions)\n");
  });

  it("names the command that prepares the corpus when --corpus (by default ~/.cache/s3pet/corpus) has none, before writing anything", async () => {
    const home = join(dir, "home");
    const missing = await run(["pretrain", "--out", "never"], dir, { HOME: home });
    expect(missing).toMatchObject({ code: 2, stdout: "" });
    expect(missing.stderr).toBe(
      "s3pet pretrain: --corpus ~/.cache/s3pet/corpus: no prepared corpus there; in a clone of the S3PET repository (https://github.com/s3pet/s3pet) run `node tools/corpus/prepare-corpus.mjs --cache ~/.cache/s3pet/corpus` (apt, about 2 minutes), or pass --corpus none to train on the npm text alone\n",
    );
    expect((await run(["pretrain", "--out", "never", "--corpus", "elsewhere"], dir, { HOME: home })).stderr).toContain("--corpus elsewhere: no prepared corpus there");
    expect(existsSync(join(dir, "never"))).toBe(false);
  });

  it("refuses to overwrite an unfinished run without --resume, and --resume needs a checkpoint", async () => {
    const resume = await run(["pretrain", "--out", "fresh", "--resume", "--corpus", "none"], dir);
    expect(resume.code).toBe(2);
    expect(resume.stderr).toBe(`s3pet pretrain: ${join(dir, "fresh", "checkpoints", "state.json")}: no checkpoint to resume; run without --resume to start fresh\n`);
    mkdirSync(join(dir, "checkpoints"));
    writeFileSync(join(dir, "checkpoints", "state.json"), "");
    const again = await run(["pretrain", "--out", ".", "--corpus", "none"], dir);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain("an unfinished run is there; pass --resume to continue it or delete the file\n");
  });
});
