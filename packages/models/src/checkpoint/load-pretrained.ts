// loadPretrained: a BertModel from a Hugging Face checkpoint directory (config.json +
// model.safetensors or a sharded model.safetensors.index.json). Accepts names with or without the
// `bert.`/`roberta.` prefix and the legacy LayerNorm `gamma`/`beta`; F16/BF16 weights are widened
// by core's reader. Extra tensors (heads such as `cls.*`) are ignored and reported in `notes`;
// missing or mis-shaped tensors fail as one CheckpointError listing all of them.
import { CheckpointError, type SafetensorsFile } from "@s3pet/core";
import { parseBertConfig, type BertConfig } from "../bert/bert-config.js";
import { BertModel } from "../bert/bert-model.js";
import { buildBertWeights, bertTensorSpecs } from "../bert/bert-weights.js";
import { checkSpecs, openWeights, readAllTensors, readConfigJson } from "./checkpoint-files.js";

export interface LoadPretrainedOptions {
  /** Hold the weights as tf.Variables (full fine-tuning). @default false */
  readonly trainable?: boolean;
}

export interface LoadedBackbone {
  readonly model: BertModel;
  readonly config: BertConfig;
  /** What the loader adapted or ignored, one line each (renamed prefixes, dropped head tensors, ...). */
  readonly notes: readonly string[];
}

export function loadPretrained(dir: string, options: LoadPretrainedOptions = {}): LoadedBackbone {
  const config = readBertConfig(dir);
  const { file, source } = openWeights(dir);
  try {
    return { ...readWeights(file, source, config, options), config };
  } finally {
    file.close();
  }
}

/** The checked config.json of a checkpoint directory (cheap: reads no weights). */
export function readBertConfig(dir: string): BertConfig {
  const { json, configPath } = readConfigJson(dir);
  return parseBertConfig(json, configPath);
}

/** Maps every stored name to its canonical (prefix-less, weight/bias) name, then reads what the encoder needs. */
function readWeights(
  file: SafetensorsFile,
  source: string,
  config: BertConfig,
  options: LoadPretrainedOptions,
): { model: BertModel; notes: string[] } {
  const notes: string[] = [];
  const stored = canonicalNames(file.names(), source, notes);

  const poolerNames = ["pooler.dense.weight", "pooler.dense.bias"];
  const poolerFound = poolerNames.filter((n) => stored.has(n)).length;
  const withPooler = poolerFound > 0; // one of the two present: the missing one is reported below
  if (!withPooler) notes.push("no pooler in the checkpoint: pooledOutput is the first token's hidden state");

  checkSpecs(file, source, bertTensorSpecs(config, withPooler), stored, notes, "encoder");
  const weights = readAllTensors(file, source, stored, (make) => buildBertWeights(config, withPooler, make));
  return { model: new BertModel(config, weights, { trainable: options.trainable ?? false }), notes };
}

/** canonical name -> stored name; drops the `bert.`/`roberta.` prefix and renames LayerNorm gamma/beta. */
function canonicalNames(names: readonly string[], source: string, notes: string[]): Map<string, string> {
  const result = new Map<string, string>();
  let prefixed = 0;
  let legacy = 0;
  for (const name of names) {
    let canonical = name;
    const prefix = /^(bert|roberta)\./.exec(canonical);
    if (prefix) {
      canonical = canonical.slice(prefix[0].length);
      prefixed++;
    }
    if (/LayerNorm\.(gamma|beta)$/.test(canonical)) {
      canonical = canonical.replace(/\.gamma$/, ".weight").replace(/\.beta$/, ".bias");
      legacy++;
    }
    const clash = result.get(canonical);
    if (clash !== undefined) {
      throw new CheckpointError(`${source}: '${clash}' and '${name}' are the same weight; keep only one of them`);
    }
    result.set(canonical, name);
  }
  if (prefixed > 0) notes.push(`stripped the model prefix from ${prefixed} tensor name(s)`);
  if (legacy > 0) notes.push(`renamed ${legacy} legacy LayerNorm gamma/beta tensor(s) to weight/bias`);
  return result;
}
