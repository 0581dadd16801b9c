// adapter/: the trained structure as files another process can reload and re-score:
// adapter_config.json (structure, objective, backbone, head seed) and adapter_model.safetensors with
// each module's tensors as `<candidate key>.<name>` (its exportWeights(), e.g. a folded prefix),
// the head as `head.<name>` and, for full fine-tuning, the backbone as `backbone.<index>`.
import * as tf from "@tensorflow/tfjs";
import { join } from "node:path";
import { CheckpointError } from "../errors/s3pet-error.js";
import { openSafetensors } from "../io/safetensors/open-safetensors.js";
import type { SafetensorsFile } from "../io/safetensors/safetensors-file.js";
import { writeSafetensors } from "../io/safetensors/write-safetensors.js";
import { writeJsonAtomic } from "../io/write-file-atomic.js";
import type { ParamSnapshot, TunedModel } from "../train/tuned-model.js";
import { readJson, RUN_FILES } from "./run-dir.js";
import type { AdapterConfig } from "./run-results.js";

const ADAPTER_CONFIG = "adapter_config.json";
const ADAPTER_MODEL = "adapter_model.safetensors";

export function writeAdapter(runDir: string, model: TunedModel, config: Omit<AdapterConfig, "format" | "version" | "tensors">): void {
  const dir = join(runDir, RUN_FILES.adapter);
  const tensors: ParamSnapshot = {};
  const names: Record<string, string[]> = {};
  const put = (name: string, t: tf.Tensor) => {
    tensors[name] = { shape: [...t.shape], data: Float32Array.from(t.dataSync() as Float32Array) };
  };
  tf.tidy(() => {
    for (const m of model.modules) {
      const exported = m.module.exportWeights?.() ?? m.module.weights;
      names[m.candidate.key] = Object.keys(exported);
      for (const [name, t] of Object.entries(exported)) put(`${m.candidate.key}.${name}`, t);
    }
    for (const [name, v] of Object.entries(model.head.weights)) put(`head.${name}`, v);
    if (config.fullFineTuning) model.backbone.trainableWeights().forEach((v, i) => put(`backbone.${i}`, v));
  });
  // Tensors first, config last: a config on disk always has its tensors.
  writeSafetensors(join(dir, ADAPTER_MODEL), tensors, { format: "s3pet-adapter" });
  const full: AdapterConfig = { format: "s3pet-adapter", version: 1, ...config, tensors: names };
  writeJsonAtomic(join(dir, ADAPTER_CONFIG), full);
}

export function readAdapterConfig(runDir: string): AdapterConfig {
  const path = join(runDir, RUN_FILES.adapter, ADAPTER_CONFIG);
  const config = readJson<AdapterConfig>(path);
  if (config?.format !== "s3pet-adapter" || config.version !== 1) {
    throw new CheckpointError(`${path}: not an s3pet adapter config of version 1 (re-run the training, or point at another run)`);
  }
  return config;
}

export function openAdapterTensors(runDir: string): SafetensorsFile {
  return openSafetensors(join(runDir, RUN_FILES.adapter, ADAPTER_MODEL));
}
