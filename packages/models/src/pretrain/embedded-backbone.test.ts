// The committed default backbone (assets/backbone) loads offline, has the architecture its card
// states, computes a forward pass, and its card is exactly the one rendered from its report.
import { readFileSync } from "node:fs";
import * as tf from "@tensorflow/tfjs";
import { openSafetensors } from "@s3pet/core";
import { describe, expect, it } from "vitest";
import { loadPretrained } from "../checkpoint/load-pretrained.js";
import { createMaskedLmHead } from "../heads/masked-lm-head.js";
import { encodeBatch } from "../tokenizer/encode-batch.js";
import { loadTokenizer } from "../tokenizer/load-tokenizer.js";
import { maskedLmLoss } from "./masked-lm-loss.js";
import { renderModelCard } from "./model-card.js";
import type { PretrainReport } from "./pretrain-report.js";

const ASSET_DIR = new URL("../../../../assets/backbone/", import.meta.url).pathname;
const report = JSON.parse(readFileSync(`${ASSET_DIR}pretrain-report.json`, "utf8")) as PretrainReport;

describe("assets/backbone", () => {
  // Loaded once for every test; the tensors live until the worker exits.
  const { model, config, notes } = loadPretrained(ASSET_DIR);
  const tokenizer = loadTokenizer(ASSET_DIR);

  it("is the 4x128 relative_key BERT of its report, with an 8000-token lower-casing WordPiece vocabulary", () => {
    expect(config).toMatchObject({ modelType: "bert", numLayers: 4, hiddenSize: 128, numHeads: 4, intermediateSize: 512, vocabSize: 8000, maxPositions: 128, positionEmbeddingType: "relative_key" });
    expect(model.paramCount()).toBe(report.model.encoderParams);
    expect(model.paramCount()).toBe(1_866_624);
    expect(model.hasPooler).toBe(false);
    expect(tokenizer.vocabSize).toBe(8000);
    const tokens = tokenizer.encode("Call me Ishmael, said the President of the United States.").tokens;
    expect(tokens.slice(0, 3)).toEqual(["[CLS]", "call", "me"]);
    expect(tokens).toContain("president");
    expect(tokens).not.toContain("[UNK]");
    expect(notes.join("\n")).toMatch(/cls\.predictions/); // the MLM head is stored but is not part of the encoder
  });

  it("runs a forward pass on a padded pair batch", () => {
    const batch = encodeBatch(tokenizer, [{ text: "The Union is strong." }, { text: "Is it a whale?", pair: "It is." }], { maxLength: 128 });
    const [last, pooled] = tf.tidy(() => {
      const out = model.forward(batch);
      return [out.lastHiddenState.arraySync(), out.pooledOutput.arraySync()];
    });
    expect(last).toHaveLength(2);
    expect(last[0]).toHaveLength(batch.length);
    expect(pooled[1]).toEqual(last[1]![0]); // no pooler: the [CLS] state
    expect(last.flat(2).every(Number.isFinite)).toBe(true);
  });

  it("predicts masked words of held-out text far better than chance with its stored MLM head", () => {
    const head = createMaskedLmHead(config, { seed: 0 });
    const file = openSafetensors(`${ASSET_DIR}model.safetensors`);
    const tensors = Object.fromEntries(
      file.names().filter((n) => n.startsWith("cls.")).map((n) => {
        const { data, shape } = file.readFloat32(n);
        return [n, tf.tensor(data, shape)];
      }),
    );
    file.close();
    head.loadHfTensors(tensors);
    tf.dispose(Object.values(tensors));
    // Moby-Dick chapter 10 is held out; every 6th word piece becomes [MASK].
    const text = "As I sat there in that now lonely room; the fire burning low, in that mild stage when, after its first intensity has warmed the air, it then only glows to be looked at.";
    const batch = encodeBatch(tokenizer, [{ text }], { maxLength: 128 });
    const positions = Int32Array.from({ length: Math.floor((batch.length - 2) / 6) }, (_, i) => 1 + 6 * i);
    const labels = positions.map((p) => batch.inputIds[p]!);
    const inputIds = batch.inputIds.slice();
    for (const p of positions) inputIds[p] = 4; // [MASK]
    const loss = tf.tidy(() => maskedLmLoss(model, head, { ...batch, inputIds }, { positions, labels }).loss.dataSync()[0]!);
    head.dispose();
    expect(loss).toBeLessThan(Math.log(config.vocabSize) - 1.5); // uniform guessing: ln 8000 = 8.99 nats
  });

  it("reports at least 25% held-out accuracy on both held-out sets, and its card is rendered from the report", () => {
    expect(report.heldOut.accuracy).toBeGreaterThanOrEqual(0.25); // the held-out Moby-Dick/SOTU documents
    expect(report.heldOutPrepared?.accuracy).toBeGreaterThanOrEqual(0.25); // the Debian sources' held-out documents
    expect(report.heldOut.loss).toBeLessThan(report.heldOut.frequencyBaseline.unigramLoss);
    expect(report.training.steps * report.training.tokensPerStep).toBeGreaterThanOrEqual(25_000_000);
    expect(report.command).toMatch(/^s3pet pretrain --out \S+ --steps \d+ .* --corpus ~\/\.cache\/s3pet\/corpus$/);
    expect(readFileSync(`${ASSET_DIR}README.md`, "utf8")).toBe(renderModelCard(report));
  });
});
