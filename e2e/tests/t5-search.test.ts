// A search on the tiny T5 end to end through the built CLI: text-to-text classification, each label
// scored by the LM logit of its word's first token, with modules on both stacks; then `eval` of its run.
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openSafetensors, writeSafetensors } from "@s3pet/core";
import { runS3pet, tempDir, TINY_T5_MODEL } from "./s3pet-process.js";

describe("s3pet search on a T5 (text-to-text classification)", () => {
  const dir = tempDir("t5");
  const run = join(dir, "run");

  it("searches, re-trains and tests with label words, and eval re-scores the run", async () => {
    // the label names are the label words: 'positive' and 'negative' are whole pieces of the tiny vocabulary
    const task = join(dir, "task");
    mkdirSync(task);
    const good = ["the movie was very good", "i liked the story", "a great film", "the plot was good and i liked it"];
    const bad = ["the movie was bad", "not a good film", "a bad story", "the plot was not great"];
    const rows = Array.from({ length: 40 }, (_, i) => (i % 2 ? `"${good[i % 4]}",positive` : `"${bad[i % 4]}",negative`));
    writeFileSync(join(task, "train.csv"), ["text,label", ...rows].join("\n"));

    const r = await runS3pet(["search", "--model", TINY_T5_MODEL, "--task", task, "--max-examples", "24", "--epochs", "1", "--max-length", "16", "--batch-size", "8", "--budget", "5%", "--out", run, "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const results = JSON.parse(r.stdout);
    expect(results).toMatchObject({ metric: "accuracy", backboneParams: 43_520 });
    expect(results.chosenParams).toBeGreaterThan(0);
    expect(results.chosenParams).toBeLessThanOrEqual(results.budget);
    expect(results.structure.every((m: { site: string }) => /^(encoder|decoder)\./.test(m.site))).toBe(true);
    for (const score of Object.values(results.retrained) as number[]) expect(score).toBeGreaterThanOrEqual(0);
    expect(JSON.parse(readFileSync(join(run, "cli.json"), "utf8")).task).toMatchObject({ labels: ["negative", "positive"] });
    expect(existsSync(join(run, "adapter/adapter_model.safetensors"))).toBe(true);

    const scores = await runS3pet(["eval", run, "--json"]);
    expect(scores.code, scores.stderr).toBe(0);
    expect(JSON.parse(scores.stdout).test).toBe(results.retrained.test);
  });

  it("an encoder-only (T5EncoderModel) checkpoint trains with a classification head on its mean-pooled states", async () => {
    const model = join(dir, "encoder-only");
    mkdirSync(model);
    const config = JSON.parse(readFileSync(join(TINY_T5_MODEL, "config.json"), "utf8"));
    writeFileSync(join(model, "config.json"), JSON.stringify({ ...config, architectures: ["T5EncoderModel"] }));
    for (const f of ["tokenizer.json", "tokenizer_config.json"]) copyFileSync(join(TINY_T5_MODEL, f), join(model, f));
    const full = openSafetensors(join(TINY_T5_MODEL, "model.safetensors"));
    const names = full.names().filter((n) => !n.startsWith("decoder.") && n !== "encoder.embed_tokens.weight");
    writeSafetensors(join(model, "model.safetensors"), Object.fromEntries(names.map((n) => [n, full.readFloat32(n)])));
    full.close();
    const r = await runS3pet(["train", "--model", model, "--task", join(dir, "task"), "--max-examples", "24", "--epochs", "1", "--max-length", "16", "--structure", "bitfit", "--out", join(dir, "encoder-run"), "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const results = JSON.parse(r.stdout);
    expect(results.backboneParams).toBe(18_688); // shared embeddings and the encoder stack
    expect(results.structure.every((m: { site: string }) => !m.site.startsWith("decoder."))).toBe(true);
  });

  it("a label word the tokenizer splits like another label's is refused before the run starts", async () => {
    const task = join(dir, "task-spam");
    mkdirSync(task);
    writeFileSync(join(task, "train.csv"), ["text,label", ...Array.from({ length: 20 }, (_, i) => `"the movie ${i}",${i % 2 ? "ham" : "spam"}`)].join("\n"));
    const r = await runS3pet(["search", "--model", TINY_T5_MODEL, "--task", task, "--out", join(dir, "spam-run")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("label words 'ham' and 'spam' start with the same token '▁'; name the labels with words whose first tokens differ");
    expect(existsSync(join(dir, "spam-run"))).toBe(false);
  });
});
