// loadPretrained: a BertModel from a Hugging Face checkpoint directory (config.json +
// model.safetensors or a sharded model.safetensors.index.json). Accepts names with or without the
// `bert.`/`roberta.` prefix and the legacy LayerNorm `gamma`/`beta`; F16/BF16 weights are widened
// by core's reader. Extra tensors (heads such as `cls.*`) are ignored and reported in `notes`;
// missing or mis-shaped tensors fail as one CheckpointError listing all of them.
import * as fs from "node:fs";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { CheckpointError, openSafetensors, type SafetensorsFile } from "@s3pet/core";
import { parseBertConfig, type BertConfig } from "../bert/bert-config.js";
import { BertModel } from "../bert/bert-model.js";
import { buildBertWeights, bertTensorSpecs, type BertTensorSpec } from "../bert/bert-weights.js";

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

const WEIGHT_FILES = ["model.safetensors", "model.safetensors.index.json"];
/** How many ignored names a note lists before summarising. */
const NOTE_NAMES = 8;

export function loadPretrained(dir: string, options: LoadPretrainedOptions = {}): LoadedBackbone {
  const config = readBertConfig(dir);
  const weightsFile = WEIGHT_FILES.map((f) => path.join(dir, f)).find((f) => fs.existsSync(f));
  if (!weightsFile) {
    const hint = fs.existsSync(path.join(dir, "pytorch_model.bin"))
      ? "only pytorch_model.bin found; re-save it with save_pretrained(safe_serialization=True)"
      : "save the checkpoint with Hugging Face save_pretrained (safetensors)";
    throw new CheckpointError(`${dir}: no model.safetensors or model.safetensors.index.json; ${hint}`);
  }
  let file: SafetensorsFile;
  try {
    file = openSafetensors(weightsFile);
  } catch (error) {
    if (error instanceof CheckpointError) throw error;
    throw new CheckpointError(`${weightsFile}: cannot read (${(error as Error).message}); re-download or re-save it`, { cause: error });
  }
  try {
    return { ...readWeights(file, weightsFile, config, options), config };
  } finally {
    file.close();
  }
}

/** The checked config.json of a checkpoint directory (cheap: reads no weights). */
export function readBertConfig(dir: string): BertConfig {
  if (!fs.existsSync(dir)) {
    throw new CheckpointError(`${dir}: no such directory; pass a checkpoint directory with config.json and model.safetensors`);
  }
  if (!fs.statSync(dir).isDirectory()) {
    throw new CheckpointError(`${dir}: is a file; pass the directory that holds config.json and model.safetensors`);
  }
  const configPath = path.join(dir, "config.json");
  if (!fs.existsSync(configPath)) {
    throw new CheckpointError(`${configPath}: missing; a Hugging Face checkpoint directory needs its config.json`);
  }
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(configPath, "utf8"));
  } catch (error) {
    throw new CheckpointError(`${configPath}: not valid JSON (${(error as Error).message}); restore the file`, { cause: error });
  }
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

  const specs = bertTensorSpecs(config, withPooler);
  const problems: string[] = [];
  for (const spec of specs) {
    const original = stored.get(spec.name);
    if (original === undefined) {
      problems.push(`missing ${spec.name} [${spec.hfShape.join(", ")}]`);
      continue;
    }
    const { shape, dtype } = file.info(original);
    if (shape.join() !== spec.hfShape.join()) {
      problems.push(`${original}: expected [${spec.hfShape.join(", ")}], got [${shape.join(", ")}]`);
    }
    if (!["F32", "F16", "BF16"].includes(dtype)) problems.push(`${original}: dtype ${dtype}, expected F32, F16 or BF16`);
  }
  if (problems.length > 0) {
    const listed = problems.slice(0, NOTE_NAMES).join("; ") + (problems.length > NOTE_NAMES ? `; ... (${problems.length - NOTE_NAMES} more)` : "");
    throw new CheckpointError(`${source}: ${problems.length} tensor(s) do not match config.json: ${listed}; check that config.json belongs to these weights`);
  }

  const used = new Set(specs.map((s) => stored.get(s.name)!));
  const ignored = file.names().filter((n) => !used.has(n));
  if (ignored.length > 0) {
    const listed = ignored.slice(0, NOTE_NAMES).join(", ") + (ignored.length > NOTE_NAMES ? `, ... (${ignored.length - NOTE_NAMES} more)` : "");
    notes.push(`ignored ${ignored.length} tensor(s) that are not part of the encoder: ${listed}`);
  }
  const dtypes = new Set(specs.map((s) => file.info(stored.get(s.name)!).dtype));
  for (const dtype of dtypes) if (dtype !== "F32") notes.push(`${dtype} weights widened to float32`);

  const made: tf.Tensor[] = []; // disposed if a later tensor is refused
  let weights;
  try {
    weights = buildBertWeights(config, withPooler, (spec) => {
      const t = readTensor(file, source, stored.get(spec.name)!, spec);
      made.push(t);
      return t;
    });
  } catch (error) {
    tf.dispose(made);
    throw error;
  }
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

function readTensor(file: SafetensorsFile, source: string, name: string, spec: BertTensorSpec): tf.Tensor {
  const { shape, data } = file.readFloat32(name);
  // NaN or Inf in a weight poisons every forward pass (a NaN loss much later): refused here, by name.
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i]!)) {
      throw new CheckpointError(`${source}: tensor '${name}' holds ${data[i]} at index ${i}; the checkpoint is corrupt, re-download or re-save it`);
    }
  }
  if (!spec.transposed) return tf.tensor(data, shape);
  return tf.tidy(() => tf.transpose(tf.tensor(data, shape))); // HF [out, in] -> [in, out]
}
