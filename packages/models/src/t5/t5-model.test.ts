import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { afterAll, describe, expect, it } from "vitest";
import { openSafetensors, writeSafetensors, type EncodedBatch, type SiteCalls } from "@s3pet/core";
import { loadT5Pretrained } from "../checkpoint/load-t5-pretrained.js";
import { readT5Reference, TINY_T5_DIR, TINY_T5_V1_1_DIR, type T5Reference } from "../testing/index.js";
import { loadTokenizer } from "../tokenizer/load-tokenizer.js";
import { createVerbaliserHead, labelWordTokens } from "../heads/verbaliser-head.js";
import { relativePositionBucket } from "./relative-position-bias.js";
import type { T5Model } from "./t5-model.js";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "t5-model-"));
afterAll(() => fs.rmSync(tmp, { recursive: true }));

function referenceBatch(ref: T5Reference): EncodedBatch {
  const B = ref.input_ids.length;
  const T = ref.input_ids[0]!.length;
  return { batch: B, length: T, inputIds: Int32Array.from(ref.input_ids.flat()), tokenTypeIds: new Int32Array(B * T), attentionMask: Int32Array.from(ref.attention_mask.flat()) };
}

function maxDiff(got: ArrayLike<number>, want: number[]): number {
  expect(got.length).toBe(want.length);
  let max = 0;
  for (let i = 0; i < want.length; i++) max = Math.max(max, Math.abs(got[i]! - want[i]!));
  return max;
}

/** Encoder states and teacher-forced decoder logits of the reference inputs. */
function outputs(model: T5Model, ref: T5Reference, calls?: SiteCalls): { encoder: Float32Array; logits: Float32Array } {
  const batch = referenceBatch(ref);
  const Td = ref.decoder_input_ids[0]!.length;
  return tf.tidy(() => ({
    encoder: model.forward(batch, calls).lastHiddenState.dataSync() as Float32Array,
    logits: model.logits(batch, Int32Array.from(ref.decoder_input_ids.flat()), Td, calls).dataSync() as Float32Array,
  }));
}

describe.each([
  ["T5 1.0 (relu, tied)", TINY_T5_DIR],
  ["T5 v1.1 (gated-gelu, untied)", TINY_T5_V1_1_DIR],
])("%s matches the torch reference", (_, dir) => {
  const ref = readT5Reference(dir);

  it("tokenizer.json (Unigram) gives the reference tokens and ids", () => {
    const tokenizer = loadTokenizer(dir);
    ref.texts.forEach((text, b) => {
      const encoding = tokenizer.encode(text);
      expect(encoding.tokens).toEqual(ref.tokens[b]);
      expect(encoding.ids).toEqual(ref.input_ids[b]!.slice(0, encoding.ids.length));
    });
  });

  it("encoder last hidden state and decoder logits within 1e-4", () => {
    const { model, notes } = loadT5Pretrained(dir);
    const { encoder, logits } = outputs(model, ref);
    expect(maxDiff(encoder, ref.encoder_last_hidden_state.flat(2))).toBeLessThan(1e-4);
    expect(maxDiff(logits, ref.decoder_logits.flat(2))).toBeLessThan(1e-4);
    if (model.config.tieWordEmbeddings) expect(notes).toEqual(["ignored 1 tensor(s) that are not part of the encoder-decoder: encoder.embed_tokens.weight"]);
    model.dispose();
  });

  it("pooledOutput is the decoder at the start token: its LM logits are the reference's first step", () => {
    const { model } = loadT5Pretrained(dir);
    const batch = referenceBatch(ref);
    const V = model.config.vocabSize;
    const got = tf.tidy(() => model.lmHead(model.forward(batch).pooledOutput).dataSync());
    const want = ref.decoder_logits.map((row) => row[0]!).flat(); // position 0 holds the start token
    expect(maxDiff(got, want)).toBeLessThan(1e-4);
    expect(got.length).toBe(batch.batch * V);
    model.dispose();
  });
});

describe("sites", () => {
  it("forward calls every site once, in sites() order, and pass-through calls change nothing", () => {
    const { model } = loadT5Pretrained(TINY_T5_V1_1_DIR);
    const ref = readT5Reference(TINY_T5_V1_1_DIR);
    const seen: string[] = [];
    const calls: SiteCalls = {
      linear: (site, _x, y) => (seen.push(site.name), y),
      residual: (site, h) => (seen.push(site.name), h),
      norm: (site, _xhat, y) => (seen.push(site.name), y),
      embedding: (site, e) => (seen.push(site.name), e),
      activation: (site, u) => (seen.push(site.name), u),
      attentionPrefixes: (site) => (seen.push(site.name), []),
    };
    const batch = referenceBatch(ref);
    const [plain, hooked] = tf.tidy(() => [model.forward(batch).pooledOutput.dataSync(), model.forward(batch, calls).pooledOutput.dataSync()]);
    expect(seen).toEqual(model.sites().map((s) => s.name));
    expect(hooked).toEqual(plain);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toContain("decoder.block.1.layer.1.EncDecAttention.o");
    expect(seen).toContain("encoder.block.0.layer.1.DenseReluDense.wi_0");
    model.dispose();
  });
});

describe("text-to-text classification (verbaliser head)", () => {
  it.each([TINY_T5_DIR, TINY_T5_V1_1_DIR])("label scores are the reference LM logits of the label words' first tokens (%s)", (dir) => {
    const ref = readT5Reference(dir);
    const tokenizer = loadTokenizer(dir);
    const ids = labelWordTokens(tokenizer, ["positive", "negative", "movie"]);
    expect(ids).toEqual([15, 16, 5]);
    const { model } = loadT5Pretrained(dir);
    const columns = tf.tidy(() => model.labelTokenColumns(ids).dataSync() as Float32Array);
    const head = createVerbaliserHead(columns, model.hiddenSize)(3, { seed: 0 });
    const got = tf.tidy(() => head.apply(model.forward(referenceBatch(ref))).dataSync());
    const want = ref.decoder_logits.flatMap((row) => ids.map((id) => row[0]![id]!));
    expect(maxDiff(got, want)).toBeLessThan(1e-4);
    expect(head.weights).toEqual({});
    head.dispose();
    model.dispose();
  });

  it("label words must start with different tokens, one per label", () => {
    const tokenizer = loadTokenizer(TINY_T5_DIR);
    expect(() => labelWordTokens(tokenizer, ["ham", "spam"])).toThrow("label words 'ham' and 'spam' start with the same token '▁'; name the labels with words whose first tokens differ");
    expect(() => createVerbaliserHead(new Float32Array(64), 32)(1, { seed: 0 })).toThrow("verbaliser head: the task has a regression target but 2 label words");
  });
});

describe("T5 checkpoints", () => {
  const tensors = () => {
    const file = openSafetensors(path.join(TINY_T5_V1_1_DIR, "model.safetensors"));
    const all = Object.fromEntries(file.names().map((n) => [n, file.readFloat32(n)]));
    file.close();
    return all;
  };
  const ref = readT5Reference(TINY_T5_V1_1_DIR);

  it("sharded BF16 weights load, widened to float32, close to the reference", () => {
    const dir = path.join(tmp, "sharded-bf16");
    fs.mkdirSync(dir);
    fs.copyFileSync(path.join(TINY_T5_V1_1_DIR, "config.json"), path.join(dir, "config.json"));
    const entries = Object.entries(tensors());
    const half = Math.ceil(entries.length / 2);
    const weightMap: Record<string, string> = {};
    [entries.slice(0, half), entries.slice(half)].forEach((shard, i) => {
      const file = `model-0000${i + 1}-of-00002.safetensors`;
      writeSafetensors(path.join(dir, file), Object.fromEntries(shard.map(([n, t]) => [n, { ...t, dtype: "BF16" as const }])));
      for (const [n] of shard) weightMap[n] = file;
    });
    fs.writeFileSync(path.join(dir, "model.safetensors.index.json"), JSON.stringify({ metadata: {}, weight_map: weightMap }));
    const { model, notes } = loadT5Pretrained(dir);
    expect(notes).toEqual(["BF16 weights widened to float32"]);
    const { encoder } = outputs(model, ref);
    const diff = maxDiff(encoder, ref.encoder_last_hidden_state.flat(2));
    expect(diff).toBeGreaterThan(1e-4); // it did round
    expect(diff).toBeLessThan(0.2);
    model.dispose();
  });

  it("an encoder-only (T5EncoderModel) checkpoint: encoder states as the reference, pooled = their masked mean, no decoder sites", () => {
    const dir = path.join(tmp, "encoder-only");
    fs.mkdirSync(dir);
    const config = JSON.parse(fs.readFileSync(path.join(TINY_T5_V1_1_DIR, "config.json"), "utf8"));
    fs.writeFileSync(path.join(dir, "config.json"), JSON.stringify({ ...config, architectures: ["T5EncoderModel"] }));
    const all = tensors();
    const encoderOnly = Object.fromEntries(Object.entries(all).filter(([n]) => !n.startsWith("decoder.") && n !== "lm_head.weight"));
    writeSafetensors(path.join(dir, "model.safetensors"), encoderOnly);
    const { model, notes } = loadT5Pretrained(dir);
    expect(notes).toEqual([]);
    expect(model.numLayers).toBe(2);
    expect(model.paramCount()).toBe(Object.values(encoderOnly).reduce((n, t) => n + t.data.length, 0));
    expect(model.sites().some((s) => s.name.startsWith("decoder."))).toBe(false);
    const batch = referenceBatch(ref);
    const [hidden, pooled] = tf.tidy(() => {
      const out = model.forward(batch);
      return [out.lastHiddenState.dataSync(), out.pooledOutput.dataSync()];
    });
    expect(maxDiff(hidden, ref.encoder_last_hidden_state.flat(2))).toBeLessThan(1e-4);
    const mean = ref.encoder_last_hidden_state.flatMap((rows, b) => {
      const kept = rows.filter((_, t) => ref.attention_mask[b]![t]);
      return kept[0]!.map((_, d) => kept.reduce((sum, row) => sum + row[d]!, 0) / kept.length);
    });
    expect(maxDiff(pooled, mean)).toBeLessThan(1e-4);
    expect(() => tf.tidy(() => model.logits(batch, new Int32Array(batch.batch), 1))).toThrow("an encoder-only (T5EncoderModel) checkpoint has no decoder");
    model.dispose();
  });

  it("an untied checkpoint without lm_head.weight is refused, naming the tensor", () => {
    const dir = path.join(tmp, "no-lm-head");
    fs.mkdirSync(dir);
    fs.copyFileSync(path.join(TINY_T5_V1_1_DIR, "config.json"), path.join(dir, "config.json"));
    const all = tensors();
    delete all["lm_head.weight"];
    writeSafetensors(path.join(dir, "model.safetensors"), all);
    expect(() => loadT5Pretrained(dir)).toThrow(/1 tensor\(s\) do not match config.json: missing lm_head.weight \[66, 32\]/);
  });
});

describe("relative position buckets", () => {
  it("match transformers' bucket function with 32 buckets, max distance 128, in both directions", () => {
    const { relative, bidirectional, causal } = readT5Reference(TINY_T5_DIR).relative_buckets_32_128!;
    expect(relative.map((r) => relativePositionBucket(r, true, 32, 128))).toEqual(bidirectional);
    expect(relative.map((r) => relativePositionBucket(r, false, 32, 128))).toEqual(causal);
  });
});
