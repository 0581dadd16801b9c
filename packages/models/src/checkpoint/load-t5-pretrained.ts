// loadT5Pretrained: a T5Model from a Hugging Face checkpoint directory (config.json + model.safetensors
// or a sharded model.safetensors.index.json; F16/BF16 widened by core's reader), as
// T5ForConditionalGeneration.save_pretrained writes it. The shared embeddings are `shared.weight`
// (older checkpoints also repeat them as `encoder/decoder.embed_tokens.weight`, which are ignored, and
// serve as `shared.weight` when only they are stored); an untied checkpoint must hold `lm_head.weight`.
import { readConfigJson, checkSpecs, openWeights, readAllTensors } from "./checkpoint-files.js";
import { parseT5Config, type T5Config } from "../t5/t5-config.js";
import { T5Model } from "../t5/t5-model.js";
import { buildT5Weights, t5TensorSpecs } from "../t5/t5-weights.js";

export interface LoadedT5 {
  readonly model: T5Model;
  readonly config: T5Config;
  /** What the loader adapted or ignored, one line each. */
  readonly notes: readonly string[];
}

export function loadT5Pretrained(dir: string): LoadedT5 {
  const config = readT5Config(dir);
  const { file, source } = openWeights(dir);
  try {
    const notes: string[] = [];
    const names = file.names();
    const stored = new Map(names.map((n) => [n, n]));
    if (!stored.has("shared.weight")) {
      const copy = ["encoder.embed_tokens.weight", "decoder.embed_tokens.weight"].find((n) => stored.has(n));
      if (copy) {
        stored.set("shared.weight", copy);
        notes.push(`no shared.weight: the shared embeddings are read from ${copy}`);
      }
    }
    checkSpecs(file, source, t5TensorSpecs(config), stored, notes, "encoder-decoder");
    const weights = readAllTensors(file, source, stored, (make) => buildT5Weights(config, make));
    return { model: new T5Model(config, weights), config, notes };
  } finally {
    file.close();
  }
}

/** The checked config.json of a T5 checkpoint directory (cheap: reads no weights). */
export function readT5Config(dir: string): T5Config {
  const { json, configPath } = readConfigJson(dir);
  return parseT5Config(json, configPath);
}
