// @ts-check
// Checkpoints of real models' shapes with random weights (memory depends on shapes only), written once
// per machine under the temp directory in the Hugging Face layout, with the embedded backbone's
// WordPiece vocabulary (ids beyond it are never produced, which changes no tensor shape). Never
// committed: bert-base is 440 MB.
import { copyFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const ROOT = new URL("../../..", import.meta.url).pathname;
const EMBEDDED = join(ROOT, "assets/backbone");

/** The architectures of the public checkpoints, as BertConfig fields. */
export const SHAPES = {
  "bert-base": { modelType: "bert", numLayers: 12, hiddenSize: 768, numHeads: 12, intermediateSize: 3072, vocabSize: 30522, maxPositions: 512 },
  "roberta-base": {
    modelType: "roberta", numLayers: 12, hiddenSize: 768, numHeads: 12, intermediateSize: 3072, vocabSize: 50265, maxPositions: 514,
    typeVocabSize: 1, padTokenId: 1, layerNormEps: 1e-5,
  },
  "bert-large": { modelType: "bert", numLayers: 24, hiddenSize: 1024, numHeads: 16, intermediateSize: 4096, vocabSize: 30522, maxPositions: 512 },
};

/**
 * The directory of a `name`-shaped checkpoint, made on first use (seeded: the same weights every time).
 * @param {keyof typeof SHAPES} name
 * @param {string} [root] where the checkpoints live (default: the temp directory)
 */
export async function ensureShapedCheckpoint(name, root = tmpdir()) {
  const dir = join(root, `s3pet-shaped-${name}`);
  if (existsSync(join(dir, "model.safetensors"))) return dir;
  const { defineBertConfig, initRandomBertModel, saveBackbone } = await import("@s3pet/models");
  const model = initRandomBertModel(defineBertConfig(SHAPES[name]), { seed: 0, trainable: false });
  try {
    saveBackbone(dir, model);
  } finally {
    model.dispose();
  }
  copyFileSync(join(EMBEDDED, "tokenizer_config.json"), join(dir, "tokenizer_config.json"));
  const vocab = readFileSync(join(EMBEDDED, "vocab.txt"), "utf8").split("\n");
  // RoBERTa pads with id 1 (its positions count from the pad id): put [PAD] there.
  if (SHAPES[name].modelType === "roberta") [vocab[0], vocab[1]] = [vocab[1] ?? "", vocab[0] ?? ""];
  writeFileSync(join(dir, "vocab.txt"), vocab.join("\n"));
  return dir;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const name of process.argv.slice(2)) console.log(await ensureShapedCheckpoint(/** @type {keyof typeof SHAPES} */ (name)));
}
