// openSafetensors(): one entry point for a .safetensors file, a model.safetensors.index.json, or a
// directory holding either (model.safetensors wins, as in Hugging Face's from_pretrained).
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { CheckpointError } from "../../errors/s3pet-error.js";
import { SingleSafetensorsFile, type SafetensorsFile } from "./safetensors-file.js";
import { ShardedSafetensorsFile } from "./sharded-safetensors-file.js";

export const SAFETENSORS_FILE = "model.safetensors";
export const SAFETENSORS_INDEX_FILE = "model.safetensors.index.json";

export function openSafetensors(path: string): SafetensorsFile {
  if (!existsSync(path)) throw new CheckpointError(`${path}: file does not exist (expected a .safetensors file, a ${SAFETENSORS_INDEX_FILE} or a directory with one)`);
  if (!statSync(path).isDirectory()) {
    return path.endsWith(".index.json") ? new ShardedSafetensorsFile(path) : new SingleSafetensorsFile(path);
  }
  if (existsSync(join(path, SAFETENSORS_FILE))) return new SingleSafetensorsFile(join(path, SAFETENSORS_FILE));
  if (existsSync(join(path, SAFETENSORS_INDEX_FILE))) return new ShardedSafetensorsFile(join(path, SAFETENSORS_INDEX_FILE));
  const candidates = readdirSync(path).filter((f) => f.endsWith(".safetensors"));
  if (candidates.length === 1) return new SingleSafetensorsFile(join(path, candidates[0]!));
  throw new CheckpointError(
    `${path}: no ${SAFETENSORS_FILE} or ${SAFETENSORS_INDEX_FILE} in this directory` +
      (candidates.length > 1 ? ` (found ${candidates.length} .safetensors files; pass one of them)` : ""),
  );
}
