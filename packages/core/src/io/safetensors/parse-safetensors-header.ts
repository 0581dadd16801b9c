// Parses and fully validates a safetensors header (https://github.com/huggingface/safetensors):
// 8-byte little-endian header length N, N bytes of JSON { name: { dtype, shape, data_offsets }, __metadata__ },
// then the data section; offsets are relative to the data section. Every problem is a CheckpointError
// that names the file and says what is wrong.
import { CheckpointError } from "../../errors/s3pet-error.js";
import { SAFETENSORS_DTYPE_BYTES, isSafetensorsDtype, type SafetensorsDtype } from "./safetensors-dtype.js";

/** Headers above this are rejected (the format's own limit), so a garbage length cannot allocate gigabytes. */
const MAX_HEADER_BYTES = 100_000_000;

export interface SafetensorsEntry {
  readonly dtype: SafetensorsDtype;
  readonly shape: readonly number[];
  /** Absolute byte range in the file: [begin, end). */
  readonly begin: number;
  readonly end: number;
}

export interface SafetensorsHeader {
  readonly entries: ReadonlyMap<string, SafetensorsEntry>;
  readonly metadata: Readonly<Record<string, string>>;
}

/** Reads the header length from the first 8 bytes and checks it against the file size. */
export function readHeaderLength(file: string, prefix: Uint8Array, fileSize: number): number {
  if (fileSize < 8) throw new CheckpointError(`${file}: truncated file (${fileSize} bytes; a safetensors file starts with an 8-byte header length)`);
  const length = new DataView(prefix.buffer, prefix.byteOffset, 8).getBigUint64(0, true);
  if (length > BigInt(fileSize - 8)) {
    throw new CheckpointError(`${file}: header length ${length} is larger than the file (${fileSize} bytes); the file is truncated or not safetensors`);
  }
  if (length > BigInt(MAX_HEADER_BYTES)) throw new CheckpointError(`${file}: header length ${length} exceeds the format's limit of ${MAX_HEADER_BYTES} bytes`);
  return Number(length);
}

/**
 * Validates the JSON header: known dtypes, integer shapes, offsets that match shape x dtype size,
 * no overlaps, and everything inside the data section (`dataSize` bytes starting at 8 + header length).
 */
export function parseSafetensorsHeader(file: string, headerBytes: Uint8Array, fileSize: number): SafetensorsHeader {
  const dataStart = 8 + headerBytes.length;
  const dataSize = fileSize - dataStart;
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(headerBytes));
  } catch (error) {
    throw new CheckpointError(`${file}: invalid JSON header (${(error as Error).message})`, { cause: error });
  }
  if (!isPlainObject(json)) throw new CheckpointError(`${file}: invalid header: expected a JSON object, got ${describe(json)}`);

  const metadata: Record<string, string> = {};
  const entries = new Map<string, SafetensorsEntry>();
  for (const [name, raw] of Object.entries(json)) {
    if (name === "__metadata__") {
      if (!isPlainObject(raw)) throw new CheckpointError(`${file}: invalid __metadata__: expected an object of strings`);
      for (const [k, v] of Object.entries(raw)) {
        if (typeof v !== "string") throw new CheckpointError(`${file}: invalid __metadata__: value of '${k}' is ${describe(v)}, not a string`);
        metadata[k] = v;
      }
      continue;
    }
    entries.set(name, parseEntry(file, name, raw, dataStart));
  }

  // Overlaps: neighbours in offset order must not share bytes (empty tensors share nothing).
  const sorted = [...entries].filter(([, e]) => e.end > e.begin).sort((a, b) => a[1].begin - b[1].begin);
  for (let i = 1; i < sorted.length; i++) {
    const [prevName, prev] = sorted[i - 1]!;
    const [name, e] = sorted[i]!;
    if (e.begin < prev.end) {
      throw new CheckpointError(`${file}: tensors '${prevName}' and '${name}' overlap (bytes ${prev.begin - dataStart}-${prev.end - dataStart} and ${e.begin - dataStart}-${e.end - dataStart} of the data)`);
    }
  }

  // Extent: a contiguous layout that runs past the end is a cut-off file; a stray offset is out of range.
  const extent = sorted.length === 0 ? dataStart : sorted.at(-1)![1].end;
  if (extent > fileSize) {
    const contiguous = sorted.every(([, e], i) => e.begin === (i === 0 ? dataStart : sorted[i - 1]![1].end));
    if (contiguous) {
      throw new CheckpointError(`${file}: truncated file: the header describes ${extent} bytes but the file has ${fileSize}; re-download or re-save it`);
    }
    const [name, e] = sorted.find(([, e]) => e.end > fileSize)!;
    throw new CheckpointError(`${file}: tensor '${name}' has data_offsets [${e.begin - dataStart}, ${e.end - dataStart}] out of range (the data section has ${dataSize} bytes)`);
  }

  // The format forbids holes: the tensors cover the data section exactly, from its first byte to the end.
  for (let i = 0; i < sorted.length; i++) {
    const expected = i === 0 ? dataStart : sorted[i - 1]![1].end;
    const [name, e] = sorted[i]!;
    if (e.begin !== expected) {
      throw new CheckpointError(`${file}: ${e.begin - expected} unused byte(s) before tensor '${name}' (data_offsets start at ${e.begin - dataStart}, expected ${expected - dataStart}); the format forbids gaps, re-save the file`);
    }
  }
  if (extent !== fileSize) {
    throw new CheckpointError(`${file}: ${fileSize - extent} byte(s) after the last tensor; the format forbids trailing data, re-save the file`);
  }
  return { entries, metadata };
}

function parseEntry(file: string, name: string, raw: unknown, dataStart: number): SafetensorsEntry {
  const where = `${file}: tensor '${name}'`;
  if (!isPlainObject(raw)) throw new CheckpointError(`${where}: expected {dtype, shape, data_offsets}, got ${describe(raw)}`);
  const { dtype, shape, data_offsets: offsets } = raw as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
  if (!isSafetensorsDtype(dtype)) {
    throw new CheckpointError(`${where}: unknown dtype ${JSON.stringify(dtype)} (known: ${Object.keys(SAFETENSORS_DTYPE_BYTES).join(", ")})`);
  }
  if (!Array.isArray(shape) || !shape.every(isNonNegativeInteger)) {
    throw new CheckpointError(`${where}: shape ${JSON.stringify(shape)} is not a list of non-negative integers`);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isNonNegativeInteger) || offsets[0]! > offsets[1]!) {
    throw new CheckpointError(`${where}: data_offsets ${JSON.stringify(offsets)} must be [begin, end] with 0 <= begin <= end`);
  }
  const [begin, end] = offsets as [number, number];
  const expected = shape.reduce((a: number, b: number) => a * b, 1) * SAFETENSORS_DTYPE_BYTES[dtype];
  if (end - begin !== expected) {
    throw new CheckpointError(`${where}: shape [${shape.join(", ")}] of ${dtype} needs ${expected} bytes but data_offsets [${begin}, ${end}] span ${end - begin}`);
  }
  return { dtype, shape, begin: dataStart + begin, end: dataStart + end };
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

function isNonNegativeInteger(x: unknown): x is number {
  return Number.isSafeInteger(x) && (x as number) >= 0;
}

function describe(x: unknown): string {
  return Array.isArray(x) ? "an array" : x === null ? "null" : typeof x;
}
