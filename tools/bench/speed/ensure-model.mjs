// @ts-check
// The backbones the speed benchmark runs on: a Hugging Face directory when it holds weights, or a named
// shape (`embedded`, `bert-base`) with random weights (speed depends on shapes only), saved once to a
// temp directory so tfjs and torch load the same file. The embedded shape stands in for assets/backbone
// while that has no weights.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** The embedded backbone's architecture (packages/cli pretrain defaults). */
export const EMBEDDED_CONFIG = { modelType: "bert", numLayers: 4, hiddenSize: 128, numHeads: 4, intermediateSize: 512, vocabSize: 8000, maxPositions: 128 };
/** BERT-base (uncased) as Hugging Face ships it: 110M parameters. */
export const BERT_BASE_CONFIG = { modelType: "bert", numLayers: 12, hiddenSize: 768, numHeads: 12, intermediateSize: 3072, vocabSize: 30522, maxPositions: 512 };

/** t5-small as Hugging Face ships it (T5 1.0: relu, tied): 60.5M parameters. */
export const T5_SMALL_CONFIG = { modelType: "t5", numLayers: 6, dModel: 512, dKv: 64, numHeads: 8, dFf: 2048, vocabSize: 32128 };

export const MODEL_SHAPES = { embedded: EMBEDDED_CONFIG, "bert-base": BERT_BASE_CONFIG, "t5-small": T5_SMALL_CONFIG };

/**
 * ensureModel in a child process: making a bert-base checkpoint takes ~1 GB, and a process's peak RSS
 * carries over to the children it spawns afterwards (Linux keeps the high-water mark across fork +
 * exec), so the driver must stay small for the cases' peak RSS to be their own.
 * @returns {{ dir: string, note: string }}
 */
export function ensureModelInChild(dirOrShape) {
  const r = spawnSync(process.execPath, [new URL(import.meta.url).pathname, dirOrShape], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`making the ${dirOrShape} checkpoint failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split("\n").at(-1));
}

/** @returns {Promise<{ dir: string, note: string }>} */
export async function ensureModel(dirOrShape) {
  if (dirOrShape in MODEL_SHAPES) return randomCheckpoint(dirOrShape, MODEL_SHAPES[dirOrShape]);
  if (existsSync(join(dirOrShape, "model.safetensors")) || existsSync(join(dirOrShape, "model.safetensors.index.json"))) {
    return { dir: dirOrShape, note: `checkpoint ${dirOrShape}` };
  }
  const { dir } = await randomCheckpoint("embedded", EMBEDDED_CONFIG);
  return { dir, note: `${dirOrShape} has no weights yet: a randomly initialised BERT of the embedded configuration (${JSON.stringify(EMBEDDED_CONFIG)})` };
}

async function randomCheckpoint(shape, config) {
  const dir = join(tmpdir(), shape === "embedded" ? "s3pet-bench-random-backbone" : `s3pet-bench-${shape}`);
  if (config.modelType === "t5") return randomT5Checkpoint(dir, shape, config);
  if (!existsSync(join(dir, "model.safetensors"))) {
    const { defineBertConfig, initRandomBertModel, saveBackbone } = await import("@s3pet/models");
    const model = initRandomBertModel(defineBertConfig(config), { seed: 0, trainable: false });
    saveBackbone(dir, model);
    model.dispose();
  }
  return { dir, note: `${shape}-shaped BERT with random weights (${JSON.stringify(config)}), saved to ${dir}` };
}

/** A T5 with random weights in the HF layout (normal, std 0.05; norms 1), written straight from the weight specs. */
async function randomT5Checkpoint(dir, shape, fields) {
  if (!existsSync(join(dir, "model.safetensors"))) {
    const { mkdirSync, writeFileSync } = await import("node:fs");
    const tf = await import("@tensorflow/tfjs");
    const { writeSafetensors } = await import("@s3pet/core");
    const { defineT5Config, t5TensorSpecs } = await import("@s3pet/models");
    const { modelType, ...rest } = fields;
    const config = defineT5Config(rest);
    mkdirSync(dir, { recursive: true });
    const tensors = Object.fromEntries(
      t5TensorSpecs(config).map((spec, i) => {
        const shape = [...spec.hfShape];
        const data = spec.init === "ones" ? new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(1) : tf.tidy(() => tf.randomNormal(shape, 0, 0.05, "float32", i + 1).dataSync());
        return [spec.name, { shape, data: Float32Array.from(data) }];
      }),
    );
    writeSafetensors(join(dir, "model.safetensors"), tensors, { format: "pt" });
    const json = { model_type: modelType, vocab_size: config.vocabSize, d_model: config.dModel, d_kv: config.dKv, d_ff: config.dFf, num_layers: config.numLayers, num_heads: config.numHeads, feed_forward_proj: config.feedForwardProj, tie_word_embeddings: config.tieWordEmbeddings };
    writeFileSync(join(dir, "config.json"), JSON.stringify(json, null, 2));
  }
  return { dir, note: `${shape}-shaped T5 with random weights (${JSON.stringify(fields)}), saved to ${dir}` };
}

if (process.argv[1] === new URL(import.meta.url).pathname) {
  const tf = await import("@tensorflow/tfjs");
  tf.enableProdMode();
  process.stdout.write(`${JSON.stringify(await ensureModel(process.argv[2]))}\n`);
}
