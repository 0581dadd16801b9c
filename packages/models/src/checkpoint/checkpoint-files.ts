// The parts of reading a Hugging Face checkpoint directory that do not depend on the architecture:
// config.json, the (possibly sharded) safetensors file, checking tensors against the specs a model
// expects, and reading one tensor. loadPretrained (BERT/RoBERTa) and loadT5Pretrained both use them.
import * as fs from "node:fs";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { CheckpointError, openSafetensors, type SafetensorsFile } from "@s3pet/core";
import type { BertTensorSpec } from "../bert/bert-weights.js";

const WEIGHT_FILES = ["model.safetensors", "model.safetensors.index.json"];
/** How many names a note or an error lists before summarising. */
const NOTE_NAMES = 8;

/** The parsed config.json of a checkpoint directory, with its path (for errors). */
export function readConfigJson(dir: string): { json: unknown; configPath: string } {
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
  try {
    return { json: JSON.parse(fs.readFileSync(configPath, "utf8")), configPath };
  } catch (error) {
    throw new CheckpointError(`${configPath}: not valid JSON (${(error as Error).message}); restore the file`, { cause: error });
  }
}

/** config.json's model_type, or undefined when it has none (or is not an object). */
export function checkpointModelType(dir: string): unknown {
  const { json } = readConfigJson(dir);
  return json !== null && typeof json === "object" ? (json as { model_type?: unknown }).model_type : undefined;
}

/** Opens model.safetensors or the shards of model.safetensors.index.json; the caller closes it. */
export function openWeights(dir: string): { file: SafetensorsFile; source: string } {
  const source = WEIGHT_FILES.map((f) => path.join(dir, f)).find((f) => fs.existsSync(f));
  if (!source) {
    const hint = fs.existsSync(path.join(dir, "pytorch_model.bin"))
      ? "only pytorch_model.bin found; re-save it with save_pretrained(safe_serialization=True)"
      : "save the checkpoint with Hugging Face save_pretrained (safetensors)";
    throw new CheckpointError(`${dir}: no model.safetensors or model.safetensors.index.json; ${hint}`);
  }
  try {
    return { file: openSafetensors(source), source };
  } catch (error) {
    if (error instanceof CheckpointError) throw error;
    throw new CheckpointError(`${source}: cannot read (${(error as Error).message}); re-download or re-save it`, { cause: error });
  }
}

/**
 * Checks that every spec has a stored tensor (`stored`: canonical name -> stored name) of its HF shape
 * and a float dtype, failing with one error listing all problems; then notes the tensors left unused
 * and the widened dtypes.
 */
export function checkSpecs(file: SafetensorsFile, source: string, specs: readonly BertTensorSpec[], stored: ReadonlyMap<string, string>, notes: string[], unusedWhat: string): void {
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
    throw new CheckpointError(`${source}: ${problems.length} tensor(s) do not match config.json: ${listed(problems, "; ")}; check that config.json belongs to these weights`);
  }
  const used = new Set(specs.map((s) => stored.get(s.name)!));
  const ignored = file.names().filter((n) => !used.has(n));
  if (ignored.length > 0) notes.push(`ignored ${ignored.length} tensor(s) that are not part of the ${unusedWhat}: ${listed(ignored, ", ")}`);
  const dtypes = new Set(specs.map((s) => file.info(stored.get(s.name)!).dtype));
  for (const dtype of dtypes) if (dtype !== "F32") notes.push(`${dtype} weights widened to float32`);
}

/** Builds a model's weights with `build`, reading each spec's tensor; disposes what was read if one fails. */
export function readAllTensors<W>(file: SafetensorsFile, source: string, stored: ReadonlyMap<string, string>, build: (make: (spec: BertTensorSpec) => tf.Tensor) => W): W {
  const made: tf.Tensor[] = [];
  try {
    return build((spec) => {
      const t = readTensor(file, source, stored.get(spec.name)!, spec);
      made.push(t);
      return t;
    });
  } catch (error) {
    tf.dispose(made);
    throw error;
  }
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

function listed(names: readonly string[], separator: string): string {
  return names.slice(0, NOTE_NAMES).join(separator) + (names.length > NOTE_NAMES ? `${separator}... (${names.length - NOTE_NAMES} more)` : "");
}
