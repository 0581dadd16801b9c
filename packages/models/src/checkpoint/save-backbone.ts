// saveBackbone: writes a BertModel in the Hugging Face layout that loadPretrained (and HF
// `BertModel.from_pretrained`) reads: config.json, model.safetensors with the `bert.`-less names
// and [out, in] kernels HF BertModel.save_pretrained writes, plus the tokenizer's files.
// Every file is written atomically, so a killed save never leaves a half-written checkpoint.
import * as fs from "node:fs";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { S3petInputError, writeJsonAtomic, writeFileAtomic, writeSafetensors } from "@s3pet/core";
import { bertConfigToJson } from "../bert/bert-config.js";
import type { BertModel } from "../bert/bert-model.js";

/** What a tokenizer contributes to a checkpoint directory: file name -> contents. */
export interface TokenizerFiles {
  files(): Readonly<Record<string, string>>;
}

export interface SaveBackboneOptions {
  /** Written next to the weights (vocab.txt + tokenizer_config.json, or tokenizer.json). */
  readonly tokenizer?: TokenizerFiles;
  /** More tensors for model.safetensors, in HF names and layout (e.g. MaskedLmHead.hfTensors()). */
  readonly extraTensors?: Readonly<Record<string, tf.Tensor>>;
  /** Extra string metadata for the safetensors header (`format: pt` is always set, as HF expects). */
  readonly metadata?: Readonly<Record<string, string>>;
  /** Encoder weights to write instead of the model's, by HF name, in the model's layout (kernels [in, out]). */
  readonly replace?: ReadonlyMap<string, tf.Tensor>;
  /** More config.json fields (e.g. a task model's `architectures`, `num_labels`, `id2label`). */
  readonly config?: Readonly<Record<string, unknown>>;
}

/** Writes `dir`/config.json, model.safetensors (and tokenizer files); creates `dir` if needed. */
export function saveBackbone(dir: string, model: BertModel, options: SaveBackboneOptions = {}): void {
  fs.mkdirSync(dir, { recursive: true });
  const tensors: Record<string, { shape: number[]; data: Float32Array }> = {};
  for (const { spec, tensor } of model.namedWeights()) {
    const value = options.replace?.get(spec.name) ?? tensor;
    if (value.shape.join() !== tensor.shape.join()) throw new S3petInputError(`saveBackbone: '${spec.name}' must stay [${tensor.shape.join(", ")}], got [${value.shape.join(", ")}]`);
    tensors[spec.name] = hostTensor(value, spec.transposed);
  }
  for (const [name, tensor] of Object.entries(options.extraTensors ?? {})) {
    if (name in tensors) throw new S3petInputError(`saveBackbone: extra tensor '${name}' clashes with an encoder weight`);
    tensors[name] = hostTensor(tensor, false);
  }
  writeSafetensors(path.join(dir, "model.safetensors"), tensors, { ...options.metadata, format: "pt" });
  writeJsonAtomic(path.join(dir, "config.json"), { ...bertConfigToJson(model.config), ...options.config });
  for (const [file, contents] of Object.entries(options.tokenizer?.files() ?? {})) {
    writeFileAtomic(path.join(dir, file), contents);
  }
}

/** The tensor's values on the host, transposed back to HF [out, in] for kernels. */
function hostTensor(tensor: tf.Tensor, transposed: boolean): { shape: number[]; data: Float32Array } {
  const host = transposed ? tf.tidy(() => tf.transpose(tensor)) : tensor;
  const result = { shape: [...host.shape], data: Float32Array.from(host.dataSync()) };
  if (host !== tensor) host.dispose();
  return result;
}
