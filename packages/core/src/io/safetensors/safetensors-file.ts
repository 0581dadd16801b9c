// SafetensorsFile: lazy, validated access to the tensors of one .safetensors file or a sharded set.
// Opening reads only the header(s); readFloat32(name) reads exactly that tensor's bytes (fs.readSync at
// its offset), so one name never loads the whole file. Close it when done (it holds file descriptors).
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { CheckpointError } from "../../errors/s3pet-error.js";
import { parseSafetensorsHeader, readHeaderLength, type SafetensorsEntry } from "./parse-safetensors-header.js";
import { decodeNumbers, type SafetensorsDtype } from "./safetensors-dtype.js";

export interface SafetensorsTensorInfo {
  readonly dtype: SafetensorsDtype;
  readonly shape: number[];
}

export interface SafetensorsFile {
  /** The file (or index) this was opened from. */
  readonly path: string;
  /** Tensor names, sorted. */
  names(): string[];
  has(name: string): boolean;
  info(name: string): SafetensorsTensorInfo;
  /** Any numeric dtype as float32 (F16 and BF16 are converted exactly; F64 and integers are rounded). */
  readFloat32(name: string): { shape: number[]; data: Float32Array };
  /** Integer dtypes (I8..I64, U8..U64, BOOL) as int32; values outside the int32 range are an error. */
  readInt32(name: string): { shape: number[]; data: Int32Array };
  /** The tensor's bytes as stored (little-endian). */
  readRaw(name: string): SafetensorsTensorInfo & { bytes: Uint8Array };
  /** The `__metadata__` strings (for a sharded set: of every shard, then the index's `metadata`). */
  metadata(): Record<string, string>;
  /** Releases the file descriptors; reads after close() throw. */
  close(): void;
}

/** Largest single fs.readSync request (Node caps one read below 2 GiB). */
const READ_CHUNK_BYTES = 1 << 30;

/** names(), has() and the "no tensor" error of a file, over its map from tensor name to where the tensor lives. */
export abstract class TensorNameIndex<T> {
  abstract readonly path: string;
  protected abstract readonly byName: ReadonlyMap<string, T>;

  names(): string[] {
    return [...this.byName.keys()].sort();
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** Where `name` lives; a CheckpointError naming the closest names when it is not in the file. */
  protected lookup(name: string): T {
    const found = this.byName.get(name);
    if (found === undefined) throw notFound(this.path, name, this.names());
    return found;
  }
}

/** One .safetensors file. */
export class SingleSafetensorsFile extends TensorNameIndex<SafetensorsEntry> implements SafetensorsFile {
  private fd: number | undefined;
  protected readonly byName: ReadonlyMap<string, SafetensorsEntry>;
  private readonly meta: Readonly<Record<string, string>>;

  constructor(readonly path: string) {
    super();
    this.fd = openFile(path);
    try {
      const size = fstatSync(this.fd).size;
      const prefix = readAt(this.fd, path, 0, Math.min(8, size));
      const headerLength = readHeaderLength(path, prefix, size);
      const header = parseSafetensorsHeader(path, readAt(this.fd, path, 8, headerLength), size);
      this.byName = header.entries;
      this.meta = header.metadata;
    } catch (error) {
      this.close();
      throw error;
    }
  }

  info(name: string): SafetensorsTensorInfo {
    const e = this.lookup(name);
    return { dtype: e.dtype, shape: [...e.shape] };
  }

  readRaw(name: string): SafetensorsTensorInfo & { bytes: Uint8Array } {
    const e = this.lookup(name);
    if (this.fd === undefined) throw new Error(`${this.path}: read of '${name}' after close()`);
    return { dtype: e.dtype, shape: [...e.shape], bytes: readAt(this.fd, this.path, e.begin, e.end - e.begin) };
  }

  readFloat32(name: string): { shape: number[]; data: Float32Array } {
    const { dtype, shape, bytes } = this.readRaw(name);
    const numbers = decodeNumbers(dtype, bytes);
    if (numbers === undefined) throw new CheckpointError(`${this.path}: tensor '${name}' is ${dtype}, which S3PET cannot convert to float32`);
    const data = numbers instanceof Float32Array ? numbers : Float32Array.from(numbers as ArrayLike<number | bigint>, Number);
    return { shape, data };
  }

  readInt32(name: string): { shape: number[]; data: Int32Array } {
    const { dtype, shape, bytes } = this.readRaw(name);
    if (dtype.startsWith("F") || dtype === "BF16") {
      throw new CheckpointError(`${this.path}: tensor '${name}' is ${dtype}, not an integer dtype (read it with readFloat32)`);
    }
    const numbers = decodeNumbers(dtype, bytes)!;
    if (numbers instanceof Int32Array) return { shape, data: numbers };
    const data = new Int32Array(numbers.length);
    for (let i = 0; i < numbers.length; i++) {
      const v = Number(numbers[i]!);
      if (v < -(2 ** 31) || v >= 2 ** 31) {
        throw new CheckpointError(`${this.path}: tensor '${name}' (${dtype}) holds ${numbers[i]} at index ${i}, outside the int32 range tfjs supports`);
      }
      data[i] = v;
    }
    return { shape, data };
  }

  metadata(): Record<string, string> {
    return { ...this.meta };
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

/** "no tensor 'x'" with the names most like it (same trailing parts) first. */
export function notFound(path: string, name: string, available: string[]): CheckpointError {
  const tail = name.split(".").slice(-2).join(".");
  const similar = [...available.filter((n) => n.endsWith(tail)), ...available.filter((n) => !n.endsWith(tail))];
  const shown = similar.slice(0, 5).map((n) => `'${n}'`);
  const more = available.length > shown.length ? `, ... ${available.length - shown.length} more` : "";
  return new CheckpointError(`${path}: no tensor '${name}' (it has ${shown.join(", ") || "no tensors"}${more})`);
}

function openFile(path: string): number {
  try {
    return openSync(path, "r");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CheckpointError(`${path}: ${code === "ENOENT" ? "file does not exist" : `cannot open (${code ?? (error as Error).message})`}`, { cause: error });
  }
}

/** Reads `length` bytes at `position` into a fresh (8-byte-aligned) buffer. */
function readAt(fd: number, path: string, position: number, length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let done = 0; done < length; ) {
    const n = readSync(fd, bytes, done, Math.min(READ_CHUNK_BYTES, length - done), position + done);
    if (n === 0) throw new CheckpointError(`${path}: truncated file (ended at byte ${position + done} while reading ${length} bytes at ${position})`);
    done += n;
  }
  return bytes;
}
