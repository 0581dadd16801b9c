// writeSafetensors(): writes tensors in the safetensors format, atomically (temp file, fsync, rename).
// Tensors are laid out contiguously in name order; the JSON header is space-padded to a multiple of
// 8 bytes so every tensor's data stays aligned, as Hugging Face's writer does.
import { CheckpointError } from "../../errors/s3pet-error.js";
import { writeFileAtomic } from "../write-file-atomic.js";
import { float32ToBfloat16, float32ToHalf, type WritableDtype } from "./safetensors-dtype.js";

export interface SafetensorsTensorInput {
  readonly shape: readonly number[];
  readonly data: Float32Array | Int32Array;
  /** Stored dtype. @default "F32" for Float32Array data, "I32" for Int32Array data */
  readonly dtype?: WritableDtype;
}

const FLOAT_DTYPES: readonly WritableDtype[] = ["F32", "F16", "BF16"];
const INT_DTYPES: readonly WritableDtype[] = ["I32", "I64"];

export function writeSafetensors(path: string, tensors: Readonly<Record<string, SafetensorsTensorInput>>, metadata?: Readonly<Record<string, string>>): void {
  const header: Record<string, unknown> = {};
  if (metadata !== undefined) {
    for (const [k, v] of Object.entries(metadata)) {
      if (typeof v !== "string") throw new CheckpointError(`${path}: metadata '${k}' must be a string, got ${typeof v}`);
    }
    header.__metadata__ = metadata;
  }
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const name of Object.keys(tensors).sort()) {
    if (name === "__metadata__") throw new CheckpointError(`${path}: '__metadata__' is reserved and cannot name a tensor`);
    const { dtype, bytes } = encodeTensor(path, name, tensors[name]!);
    header[name] = { dtype, shape: [...tensors[name]!.shape], data_offsets: [offset, offset + bytes.length] };
    chunks.push(bytes);
    offset += bytes.length;
  }
  const json = JSON.stringify(header);
  const headerBytes = new TextEncoder().encode(json.padEnd(json.length + ((8 - (byteLength(json) % 8)) % 8), " "));
  const prefix = new Uint8Array(8);
  new DataView(prefix.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  writeFileAtomic(path, [prefix, headerBytes, ...chunks]);
}

function encodeTensor(path: string, name: string, tensor: SafetensorsTensorInput): { dtype: WritableDtype; bytes: Uint8Array } {
  const { shape, data } = tensor;
  const where = `${path}: tensor '${name}'`;
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new CheckpointError(`${where}: shape ${JSON.stringify(shape)} is not a list of non-negative integers`);
  }
  const size = shape.reduce((a, b) => a * b, 1);
  if (data.length !== size) throw new CheckpointError(`${where}: shape [${shape.join(", ")}] has ${size} values but data has ${data.length}`);
  const isFloat = data instanceof Float32Array;
  const dtype = tensor.dtype ?? (isFloat ? "F32" : "I32");
  if (!(isFloat ? FLOAT_DTYPES : INT_DTYPES).includes(dtype)) {
    throw new CheckpointError(`${where}: cannot store ${isFloat ? "Float32Array" : "Int32Array"} data as ${dtype} (use ${(isFloat ? FLOAT_DTYPES : INT_DTYPES).join(" or ")})`);
  }
  const asBytes = (a: ArrayBufferView) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  switch (dtype) {
    case "F32":
    case "I32":
      return { dtype, bytes: asBytes(data) };
    case "F16":
      return { dtype, bytes: asBytes(float32ToHalf(data as Float32Array)) };
    case "BF16":
      return { dtype, bytes: asBytes(float32ToBfloat16(data as Float32Array)) };
    case "I64":
      return { dtype, bytes: asBytes(BigInt64Array.from(data as Int32Array, (v) => BigInt(v))) };
  }
}

function byteLength(text: string): number {
  return new TextEncoder().encode(text).length;
}
