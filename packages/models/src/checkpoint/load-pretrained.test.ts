import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { afterAll, describe, expect, it } from "vitest";
import { CheckpointError, openSafetensors, writeSafetensors, type EncodedBatch } from "@s3pet/core";
import { defineBertConfig, bertConfigToJson } from "../bert/bert-config.js";
import type { BertModel } from "../bert/bert-model.js";
import { initRandomBertModel } from "../bert/init-random-bert.js";
import { createMaskedLmHead } from "../heads/masked-lm-head.js";
import { bertTokenizer } from "../tokenizer/bert-tokenizer.js";
import { loadPretrained } from "./load-pretrained.js";
import { saveBackbone } from "./save-backbone.js";

const fixtureDir = new URL("../../test-fixtures/tiny-bert-hf/", import.meta.url).pathname;
const reference = JSON.parse(fs.readFileSync(path.join(fixtureDir, "reference.json"), "utf8")) as {
  input_ids: number[][];
  token_type_ids: number[][];
  attention_mask: number[][];
  last_hidden_state: number[][][];
  hidden_states_layer1: number[][][];
  pooler_output: number[][];
};
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "load-pretrained-"));
afterAll(() => fs.rmSync(tmp, { recursive: true }));

/** The fixture's reference inputs as one batch [5, 40]. */
function referenceBatch(): EncodedBatch {
  const B = reference.input_ids.length;
  const T = reference.input_ids[0]!.length;
  return {
    batch: B,
    length: T,
    inputIds: Int32Array.from(reference.input_ids.flat()),
    tokenTypeIds: Int32Array.from(reference.token_type_ids.flat()),
    attentionMask: Int32Array.from(reference.attention_mask.flat()),
  };
}

/** Largest |got - want| over the unmasked positions of [B, T, H] outputs. */
function maxDiffUnmasked(got: Float32Array, want: number[][][]): number {
  let max = 0;
  want.forEach((row, b) =>
    row.forEach((vec, t) => {
      if (!reference.attention_mask[b]![t]) return;
      vec.forEach((w, h) => (max = Math.max(max, Math.abs(got[(b * row.length + t) * vec.length + h]! - w))));
    }),
  );
  return max;
}

function lastHidden(model: BertModel): Float32Array {
  return tf.tidy(() => model.forward(referenceBatch()).lastHiddenState.dataSync() as Float32Array);
}

/** The fixture's tensors, for building checkpoint variants. */
function fixtureTensors(): Record<string, { shape: number[]; data: Float32Array }> {
  const file = openSafetensors(path.join(fixtureDir, "model.safetensors"));
  const tensors = Object.fromEntries(file.names().map((n) => [n, file.readFloat32(n)]));
  file.close();
  return tensors;
}

/** A checkpoint dir with the fixture config (optionally edited) and `tensors` in model.safetensors. */
function checkpoint(name: string, tensors: Record<string, { shape: number[]; data: Float32Array; dtype?: "F32" | "F16" | "BF16" }>, config?: object): string {
  const dir = path.join(tmp, name);
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, "config.json"), JSON.stringify(config ?? JSON.parse(fs.readFileSync(path.join(fixtureDir, "config.json"), "utf8"))));
  writeSafetensors(path.join(dir, "model.safetensors"), tensors);
  return dir;
}

const rename = (tensors: ReturnType<typeof fixtureTensors>, f: (name: string) => string) =>
  Object.fromEntries(Object.entries(tensors).map(([n, t]) => [f(n), t]));

describe("loadPretrained: parity with Hugging Face (tiny-bert-hf fixture)", () => {
  it("hidden_states_layer1, last_hidden_state and pooler_output within 1e-4 on unmasked positions", () => {
    const { model, notes, config } = loadPretrained(fixtureDir);
    expect(config.numLayers).toBe(2);
    expect(notes).toEqual([]);
    const out = tf.tidy(() => {
      const o = model.forward(referenceBatch());
      return { layer1: o.hiddenStates[1]!.dataSync(), last: o.lastHiddenState.dataSync(), pooled: o.pooledOutput.dataSync() };
    });
    expect(maxDiffUnmasked(out.layer1 as Float32Array, reference.hidden_states_layer1)).toBeLessThan(1e-4);
    expect(maxDiffUnmasked(out.last as Float32Array, reference.last_hidden_state)).toBeLessThan(1e-4);
    const pooledDiff = Math.max(...reference.pooler_output.flat().map((w, i) => Math.abs(out.pooled[i]! - w)));
    expect(pooledDiff).toBeLessThan(1e-4);
    expect(model.paramCount()).toBe(Object.values(fixtureTensors()).reduce((n, t) => n + t.data.length, 0));
    model.dispose();
  });
});

describe("loadPretrained: checkpoint variants", () => {
  const plain = loadPretrained(fixtureDir).model;
  const want = lastHidden(plain);
  afterAll(() => plain.dispose());

  it("names with the bert. prefix, plus head tensors that are ignored with a note", () => {
    const tensors = rename(fixtureTensors(), (n) => `bert.${n}`);
    tensors["cls.predictions.bias"] = { shape: [160], data: new Float32Array(160) };
    const { model, notes } = loadPretrained(checkpoint("prefixed", tensors));
    expect(lastHidden(model)).toEqual(want);
    expect(notes).toEqual([
      "stripped the model prefix from 39 tensor name(s)",
      "ignored 1 tensor(s) that are not part of the encoder: cls.predictions.bias",
    ]);
    model.dispose();
  });

  it("legacy LayerNorm gamma/beta names", () => {
    const tensors = rename(fixtureTensors(), (n) => n.replace(/LayerNorm\.weight$/, "LayerNorm.gamma").replace(/LayerNorm\.bias$/, "LayerNorm.beta"));
    const { model, notes } = loadPretrained(checkpoint("gamma-beta", tensors));
    expect(lastHidden(model)).toEqual(want);
    expect(notes).toEqual(["renamed 10 legacy LayerNorm gamma/beta tensor(s) to weight/bias"]);
    model.dispose();
  });

  it("F16 and BF16 weights are widened to float32", () => {
    for (const dtype of ["F16", "BF16"] as const) {
      const tensors = Object.fromEntries(Object.entries(fixtureTensors()).map(([n, t]) => [n, { ...t, dtype }]));
      const { model, notes } = loadPretrained(checkpoint(`half-${dtype}`, tensors));
      expect(notes).toEqual([`${dtype} weights widened to float32`]);
      const got = lastHidden(model);
      const maxDiff = Math.max(...got.map((g, i) => Math.abs(g - want[i]!)));
      expect(maxDiff).toBeGreaterThan(0); // it did round
      expect(maxDiff).toBeLessThan(dtype === "F16" ? 0.05 : 0.3);
      model.dispose();
    }
  });

  it("a sharded checkpoint (model.safetensors.index.json)", () => {
    const dir = path.join(tmp, "sharded");
    fs.mkdirSync(dir);
    fs.copyFileSync(path.join(fixtureDir, "config.json"), path.join(dir, "config.json"));
    const entries = Object.entries(fixtureTensors());
    const half = Math.ceil(entries.length / 2);
    const shards = [entries.slice(0, half), entries.slice(half)];
    const weightMap: Record<string, string> = {};
    shards.forEach((shard, i) => {
      const file = `model-0000${i + 1}-of-00002.safetensors`;
      writeSafetensors(path.join(dir, file), Object.fromEntries(shard));
      for (const [n] of shard) weightMap[n] = file;
    });
    fs.writeFileSync(path.join(dir, "model.safetensors.index.json"), JSON.stringify({ metadata: {}, weight_map: weightMap }));
    const { model } = loadPretrained(dir);
    expect(lastHidden(model)).toEqual(want);
    model.dispose();
  });

  it("no pooler: pooledOutput is the first token's hidden state, with a note", () => {
    const tensors = fixtureTensors();
    delete tensors["pooler.dense.weight"];
    delete tensors["pooler.dense.bias"];
    const { model, notes } = loadPretrained(checkpoint("no-pooler", tensors));
    expect(notes).toEqual(["no pooler in the checkpoint: pooledOutput is the first token's hidden state"]);
    const [first, pooled] = tf.tidy(() => {
      const out = model.forward(referenceBatch());
      return [tf.slice(out.lastHiddenState, [0, 0, 0], [5, 1, 32]).dataSync(), out.pooledOutput.dataSync()];
    });
    expect(pooled).toEqual(first);
    model.dispose();
  });

  it("trainable: the weights load as variables", () => {
    const { model } = loadPretrained(fixtureDir, { trainable: true });
    expect(model.trainableWeights()).toHaveLength(39);
    expect(lastHidden(model)).toEqual(want);
    model.dispose();
  });
});

describe("saveBackbone", () => {
  it("writes config.json, model.safetensors in HF names/layout and tokenizer files that load back identically", () => {
    const config = defineBertConfig({ modelType: "roberta", vocabSize: 30, hiddenSize: 8, numLayers: 1, numHeads: 2, intermediateSize: 12, maxPositions: 12, typeVocabSize: 1, hiddenAct: "gelu_new", layerNormEps: 1e-5 });
    const model = initRandomBertModel(config, { seed: 3 });
    const head = createMaskedLmHead(config, { seed: 4 });
    const vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", ...Array.from({ length: 25 }, (_, i) => `w${i}`)];
    const dir = path.join(tmp, "saved");
    saveBackbone(dir, model, { tokenizer: bertTokenizer(vocab), extraTensors: head.hfTensors() });
    expect(fs.readdirSync(dir).sort()).toEqual(["config.json", "model.safetensors", "tokenizer_config.json", "vocab.txt"]);
    expect(JSON.parse(fs.readFileSync(path.join(dir, "config.json"), "utf8"))).toEqual(bertConfigToJson(config));
    const file = openSafetensors(dir);
    expect(file.info("encoder.layer.0.intermediate.dense.weight").shape).toEqual([12, 8]); // HF [out, in]
    expect(file.metadata()).toMatchObject({ format: "pt" });
    file.close();

    const loaded = loadPretrained(dir);
    expect(loaded.config).toEqual({ ...config, extra: { architectures: ["RobertaModel"] } });
    expect(loaded.notes).toEqual([expect.stringMatching(/^ignored 5 tensor\(s\) that are not part of the encoder: lm_head\./)]);
    const batch: EncodedBatch = { batch: 1, length: 4, inputIds: Int32Array.from([2, 7, 9, 3]), tokenTypeIds: new Int32Array(4), attentionMask: new Int32Array(4).fill(1) };
    const run = (m: BertModel) => tf.tidy(() => m.forward(batch).lastHiddenState.dataSync());
    expect(run(loaded.model)).toEqual(run(model));
    for (const m of [loaded.model, model]) m.dispose();
    head.dispose();
  });
});

describe("loadPretrained: errors name the path and the fix", () => {
  const fixtureConfig = () => JSON.parse(fs.readFileSync(path.join(fixtureDir, "config.json"), "utf8")) as Record<string, unknown>;

  it("missing directory, a file instead of a directory, missing or broken config.json", () => {
    const missing = path.join(tmp, "nope");
    expect(() => loadPretrained(missing)).toThrow(`${missing}: no such directory; pass a checkpoint directory with config.json and model.safetensors`);
    const file = path.join(fixtureDir, "config.json");
    expect(() => loadPretrained(file)).toThrow(`${file}: is a file; pass the directory that holds config.json and model.safetensors`);
    const noConfig = path.join(tmp, "no-config");
    fs.mkdirSync(noConfig);
    expect(() => loadPretrained(noConfig)).toThrow(`${noConfig}/config.json: missing; a Hugging Face checkpoint directory needs its config.json`);
    fs.writeFileSync(path.join(noConfig, "config.json"), "{ broken");
    expect(() => loadPretrained(noConfig)).toThrow(/no-config\/config\.json: not valid JSON \(.*\); restore the file$/);
    fs.writeFileSync(path.join(noConfig, "config.json"), JSON.stringify({ model_type: "gpt2" }));
    expect(() => loadPretrained(noConfig)).toThrow(/config\.json: model_type 'gpt2' is not supported; use a bert or roberta checkpoint/);
  });

  it("no weights file, with a hint for pytorch_model.bin", () => {
    const dir = path.join(tmp, "no-weights");
    fs.mkdirSync(dir);
    fs.copyFileSync(path.join(fixtureDir, "config.json"), path.join(dir, "config.json"));
    expect(() => loadPretrained(dir)).toThrow(`${dir}: no model.safetensors or model.safetensors.index.json; save the checkpoint with Hugging Face save_pretrained (safetensors)`);
    fs.writeFileSync(path.join(dir, "pytorch_model.bin"), "");
    expect(() => loadPretrained(dir)).toThrow(/only pytorch_model\.bin found; re-save it with save_pretrained\(safe_serialization=True\)/);
  });

  it("a corrupt model.safetensors is a CheckpointError naming the file", () => {
    const dir = path.join(tmp, "corrupt");
    fs.mkdirSync(dir);
    fs.copyFileSync(path.join(fixtureDir, "config.json"), path.join(dir, "config.json"));
    fs.writeFileSync(path.join(dir, "model.safetensors"), Buffer.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]));
    expect(() => loadPretrained(dir)).toThrow(CheckpointError);
    expect(() => loadPretrained(dir)).toThrow(/corrupt\/model\.safetensors/);
  });

  it("missing and mis-shaped tensors are listed together in one CheckpointError", () => {
    const tensors = fixtureTensors();
    delete tensors["encoder.layer.1.output.dense.bias"];
    tensors["encoder.layer.0.attention.self.query.weight"] = { shape: [32, 16], data: new Float32Array(512) };
    const dir = checkpoint("mismatch", tensors);
    expect(() => loadPretrained(dir)).toThrow(
      `${dir}/model.safetensors: 2 tensor(s) do not match config.json: ` +
        "encoder.layer.0.attention.self.query.weight: expected [32, 32], got [32, 16]; " +
        "missing encoder.layer.1.output.dense.bias [32]; check that config.json belongs to these weights",
    );
    const wrongConfig = checkpoint("wrong-config", fixtureTensors(), { ...fixtureConfig(), vocab_size: 200 });
    expect(() => loadPretrained(wrongConfig)).toThrow(/embeddings\.word_embeddings\.weight: expected \[200, 32\], got \[160, 32\]/);
  });

  it("the same weight under two names is rejected", () => {
    const tensors = fixtureTensors();
    tensors["bert.pooler.dense.bias"] = tensors["pooler.dense.bias"]!;
    const dir = checkpoint("duplicate", tensors);
    expect(() => loadPretrained(dir)).toThrow(/'pooler\.dense\.bias' and 'bert\.pooler\.dense\.bias' are the same weight; keep only one of them|'bert\.pooler\.dense\.bias' and 'pooler\.dense\.bias' are the same weight/);
  });
});
