// @ts-check
// The backbone the speed benchmark runs on: the given Hugging Face directory when it holds weights,
// else (while the embedded backbone is not there yet) a randomly initialised BERT of the embedded
// backbone's configuration, saved once to a temp directory so tfjs and torch load the same file.
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** The embedded backbone's architecture (packages/cli pretrain defaults): speed depends on shapes only. */
export const EMBEDDED_CONFIG = { modelType: "bert", numLayers: 4, hiddenSize: 128, numHeads: 4, intermediateSize: 512, vocabSize: 8000, maxPositions: 128 };

/** @returns {Promise<{ dir: string, note: string }>} */
export async function ensureModel(dir) {
  if (existsSync(join(dir, "model.safetensors")) || existsSync(join(dir, "model.safetensors.index.json"))) {
    return { dir, note: `checkpoint ${dir}` };
  }
  const random = join(tmpdir(), "s3pet-bench-random-backbone");
  if (!existsSync(join(random, "model.safetensors"))) {
    const { defineBertConfig, initRandomBertModel, saveBackbone } = await import("@s3pet/models");
    const model = initRandomBertModel(defineBertConfig(EMBEDDED_CONFIG), { seed: 0, trainable: false });
    saveBackbone(random, model);
    model.dispose();
  }
  return { dir: random, note: `${dir} has no weights yet: a randomly initialised BERT of the embedded configuration (${JSON.stringify(EMBEDDED_CONFIG)})` };
}
