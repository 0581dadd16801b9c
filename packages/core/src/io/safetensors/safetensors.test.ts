import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, ftruncateSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CheckpointError } from "../../errors/s3pet-error.js";
import { openSafetensors } from "./open-safetensors.js";
import { writeSafetensors } from "./write-safetensors.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "s3pet-safetensors-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A safetensors file from a raw header object (or string) and data bytes. */
function rawFile(name: string, header: unknown, data = new Uint8Array(0), declaredLength?: number): string {
  const json = new TextEncoder().encode(typeof header === "string" ? header : JSON.stringify(header));
  const prefix = new Uint8Array(8);
  new DataView(prefix.buffer).setBigUint64(0, BigInt(declaredLength ?? json.length), true);
  const path = join(dir, name);
  writeFileSync(path, Buffer.concat([prefix, json, data]));
  return path;
}

const f32 = (...xs: number[]) => Float32Array.from(xs);

describe("writeSafetensors + openSafetensors round trip", () => {
  it("round-trips every writable dtype, metadata, and exact shapes", () => {
    const path = join(dir, "all.safetensors");
    writeSafetensors(
      path,
      {
        f32: { shape: [2, 3], data: f32(1.5, -2, 3.25, 0, 1e-30, -7e20) },
        f16: { shape: [4], data: f32(1, -0.5, 65504, 0.1), dtype: "F16" },
        bf16: { shape: [3], data: f32(1, Math.PI, -256), dtype: "BF16" },
        i32: { shape: [3], data: Int32Array.of(-(2 ** 31), 0, 2 ** 31 - 1) },
        i64: { shape: [2, 2], data: Int32Array.of(-5, 7, 2 ** 31 - 1, -(2 ** 31)), dtype: "I64" },
        empty: { shape: [0, 3], data: new Float32Array(0) },
        scalar: { shape: [], data: f32(42) },
      },
      { format: "pt", note: "héllo" },
    );
    const file = openSafetensors(path);
    try {
      expect(file.names()).toEqual(["bf16", "empty", "f16", "f32", "i32", "i64", "scalar"]);
      expect(file.metadata()).toEqual({ format: "pt", note: "héllo" });
      expect(file.info("f16")).toEqual({ dtype: "F16", shape: [4] });
      expect(file.info("i64")).toEqual({ dtype: "I64", shape: [2, 2] });
      expect(file.readFloat32("f32")).toEqual({ shape: [2, 3], data: f32(1.5, -2, 3.25, 0, 1e-30, -7e20) });
      expect([...file.readFloat32("f16").data]).toEqual([1, -0.5, 65504, 0.0999755859375]);
      expect([...file.readFloat32("bf16").data]).toEqual([1, 3.140625, -256]);
      expect(file.readInt32("i32").data).toEqual(Int32Array.of(-(2 ** 31), 0, 2 ** 31 - 1));
      expect(file.readInt32("i64")).toEqual({ shape: [2, 2], data: Int32Array.of(-5, 7, 2 ** 31 - 1, -(2 ** 31)) });
      expect([...file.readFloat32("i64").data]).toEqual([-5, 7, 2 ** 31, -(2 ** 31)]); // ints read as float32 round
      expect(file.readFloat32("empty")).toEqual({ shape: [0, 3], data: new Float32Array(0) });
      expect(file.readFloat32("scalar")).toEqual({ shape: [], data: f32(42) });
      expect(file.readRaw("i64").bytes.length).toBe(32);
    } finally {
      file.close();
    }
  });

  it("writes the layout other readers expect: 8-byte aligned data, contiguous offsets in name order", () => {
    const path = join(dir, "layout.safetensors");
    writeSafetensors(path, { b: { shape: [1], data: f32(2) }, a: { shape: [3], data: f32(1, 1, 1), dtype: "F16" } });
    const bytes = readFileSync(path);
    const n = Number(bytes.readBigUInt64LE(0));
    expect(n % 8).toBe(0);
    const header = JSON.parse(bytes.subarray(8, 8 + n).toString("utf8"));
    expect(header).toEqual({ a: { dtype: "F16", shape: [3], data_offsets: [0, 6] }, b: { dtype: "F32", shape: [1], data_offsets: [6, 10] } });
    expect(bytes.length).toBe(8 + n + 10);
  });

  it("rejects data that does not fit the shape or the dtype", () => {
    expect(() => writeSafetensors(join(dir, "x"), { w: { shape: [2, 2], data: f32(1, 2, 3) } })).toThrow(
      "tensor 'w': shape [2, 2] has 4 values but data has 3",
    );
    expect(() => writeSafetensors(join(dir, "x"), { w: { shape: [1], data: f32(1), dtype: "I64" } })).toThrow(
      "cannot store Float32Array data as I64 (use F32 or F16 or BF16)",
    );
  });

  it("reads one tensor without reading the rest of the file (a 3 GiB sparse tensor next to it)", () => {
    // readFileSync cannot even hold a > 2 GiB file; a lazy reader touches only the 16 bytes it needs.
    const bigFloats = 3 * 2 ** 28;
    const path = rawFile("sparse.safetensors", {
      small: { dtype: "F32", shape: [4], data_offsets: [0, 16] },
      big: { dtype: "F32", shape: [bigFloats], data_offsets: [16, 16 + 4 * bigFloats] },
    }, new Uint8Array(new Float32Array([1, 2, 3, 4]).buffer));
    const fd = openSync(path, "r+");
    const size = readFileSync(path).length + 4 * bigFloats;
    ftruncateSync(fd, size);
    closeSync(fd);
    const file = openSafetensors(path);
    expect(file.readFloat32("small").data).toEqual(f32(1, 2, 3, 4));
    expect(file.info("big")).toEqual({ dtype: "F32", shape: [bigFloats] });
    file.close();
  });
});

describe("sharded checkpoints", () => {
  function writeSharded(weightMap: Record<string, string>) {
    writeSafetensors(join(dir, "model-00001-of-00002.safetensors"), { "a.weight": { shape: [2], data: f32(1, 2) }, "a.bias": { shape: [1], data: f32(3) } }, { format: "pt" });
    writeSafetensors(join(dir, "model-00002-of-00002.safetensors"), { "b.weight": { shape: [1, 2], data: f32(4, 5), dtype: "BF16" } });
    writeFileSync(join(dir, "model.safetensors.index.json"), JSON.stringify({ metadata: { total_size: 16 }, weight_map: weightMap }));
  }
  const fullMap = {
    "a.weight": "model-00001-of-00002.safetensors",
    "a.bias": "model-00001-of-00002.safetensors",
    "b.weight": "model-00002-of-00002.safetensors",
  };

  it("reads names, tensors and metadata across shards, from the index or its directory", () => {
    writeSharded(fullMap);
    for (const path of [join(dir, "model.safetensors.index.json"), dir]) {
      const file = openSafetensors(path);
      expect(file.path).toBe(join(dir, "model.safetensors.index.json"));
      expect(file.names()).toEqual(["a.bias", "a.weight", "b.weight"]);
      expect(file.info("b.weight")).toEqual({ dtype: "BF16", shape: [1, 2] });
      expect(file.readFloat32("b.weight").data).toEqual(f32(4, 5));
      expect(file.readFloat32("a.bias").data).toEqual(f32(3));
      expect(file.metadata()).toEqual({ format: "pt", total_size: "16" });
      file.close();
    }
  });

  it("names a missing shard", () => {
    writeSharded({ ...fullMap, "c.weight": "model-00003-of-00003.safetensors" });
    expect(() => openSafetensors(dir)).toThrow(
      `${join(dir, "model.safetensors.index.json")}: shard 'model-00003-of-00003.safetensors' (holding 'c.weight') is missing from ${dir}`,
    );
  });

  it("names a tensor the weight map puts in a shard that lacks it", () => {
    writeSharded({ ...fullMap, "b.bias": "model-00002-of-00002.safetensors" });
    expect(() => openSafetensors(dir)).toThrow("weight_map puts 'b.bias' in 'model-00002-of-00002.safetensors', but that shard has no such tensor");
  });

  it("rejects an index without a weight map", () => {
    writeFileSync(join(dir, "model.safetensors.index.json"), JSON.stringify({ metadata: {} }));
    expect(() => openSafetensors(dir)).toThrow('model.safetensors.index.json: expected "weight_map": { tensor name: shard file }');
  });
});

describe("malformed files are rejected with an error naming the file and the problem", () => {
  /** An F32 header entry; the cases below make its shape, offsets or neighbours wrong. */
  const f32 = (shape: number[], begin: number, end: number) => ({ dtype: "F32", shape, data_offsets: [begin, end] });
  const ok = { w: f32([2], 0, 8) };
  const eightBytes = new Uint8Array(8);

  const expectError = (path: string, message: string) => {
    let error: unknown;
    try {
      openSafetensors(path).close();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CheckpointError);
    expect((error as Error).message).toBe(`${path}: ${message}`);
  };

  it("truncated file (shorter than the 8-byte length)", () => {
    const path = join(dir, "short.safetensors");
    writeFileSync(path, new Uint8Array(5));
    expectError(path, "truncated file (5 bytes; a safetensors file starts with an 8-byte header length)");
  });

  it("header length larger than the file", () => {
    const path = rawFile("long-header.safetensors", ok, eightBytes, 5000);
    const size = 8 + JSON.stringify(ok).length + 8;
    expectError(path, `header length 5000 is larger than the file (${size} bytes); the file is truncated or not safetensors`);
  });

  it("invalid JSON header", () => {
    const path = rawFile("bad-json.safetensors", '{"w": {"dtype": "F32",');
    const message = () => openSafetensors(path);
    expect(message).toThrow(CheckpointError);
    expect(message).toThrow(`${path}: invalid JSON header (`);
  });

  it("header that is not an object", () => {
    expectError(rawFile("array.safetensors", [1, 2]), "invalid header: expected a JSON object, got an array");
  });

  it("unknown dtype", () => {
    const path = rawFile("dtype.safetensors", { w: { dtype: "F17", shape: [2], data_offsets: [0, 8] } }, eightBytes);
    expectError(path, `tensor 'w': unknown dtype "F17" (known: BOOL, U8, I8, F8_E5M2, F8_E4M3, I16, U16, F16, BF16, I32, U32, F32, F64, I64, U64)`);
  });

  it("shape/offset size mismatch", () => {
    const path = rawFile("mismatch.safetensors", { w: f32([3], 0, 8) }, eightBytes);
    expectError(path, "tensor 'w': shape [3] of F32 needs 12 bytes but data_offsets [0, 8] span 8");
  });

  it("overlapping offsets", () => {
    const path = rawFile("overlap.safetensors", {
      a: f32([2], 0, 8),
      b: f32([2], 4, 12),
    }, new Uint8Array(12));
    expectError(path, "tensors 'a' and 'b' overlap (bytes 0-8 and 4-12 of the data)");
  });

  it("gaps between tensors and trailing bytes (the format forbids holes)", () => {
    const gap = rawFile("gap.safetensors", {
      a: f32([1], 0, 4),
      b: f32([1], 8, 12),
    }, new Uint8Array(12));
    expectError(gap, "4 unused byte(s) before tensor 'b' (data_offsets start at 8, expected 4); the format forbids gaps, re-save the file");
    const leading = rawFile("leading.safetensors", { a: f32([1], 4, 8) }, new Uint8Array(8));
    expectError(leading, "4 unused byte(s) before tensor 'a' (data_offsets start at 4, expected 0); the format forbids gaps, re-save the file");
    const trailing = rawFile("trailing.safetensors", { a: f32([1], 0, 4) }, new Uint8Array(8));
    expectError(trailing, "4 byte(s) after the last tensor; the format forbids trailing data, re-save the file");
  });

  it("out-of-range offsets", () => {
    const path = rawFile("range.safetensors", {
      a: f32([2], 0, 8),
      b: f32([1], 100, 104),
    }, new Uint8Array(12));
    expectError(path, "tensor 'b' has data_offsets [100, 104] out of range (the data section has 12 bytes)");
  });

  it("truncated data section (a cut-off download)", () => {
    const header = { a: f32([2], 0, 8), b: f32([2], 8, 16) };
    const path = rawFile("cut.safetensors", header, new Uint8Array(11));
    const headerLength = JSON.stringify(header).length;
    expectError(path, `truncated file: the header describes ${8 + headerLength + 16} bytes but the file has ${8 + headerLength + 11}; re-download or re-save it`);
  });

  it("offsets that are not [begin <= end]", () => {
    const path = rawFile("reversed.safetensors", { w: f32([2], 8, 0) }, eightBytes);
    expectError(path, "tensor 'w': data_offsets [8,0] must be [begin, end] with 0 <= begin <= end");
  });

  it("negative or fractional shape", () => {
    const path = rawFile("shape.safetensors", { w: f32([-2], 0, 8) }, eightBytes);
    expectError(path, "tensor 'w': shape [-2] is not a list of non-negative integers");
  });

  it("non-string metadata", () => {
    const path = rawFile("meta.safetensors", { __metadata__: { total: 3 }, ...ok }, eightBytes);
    expectError(path, "invalid __metadata__: value of 'total' is number, not a string");
  });

  it("a file that does not exist, and a directory without a checkpoint", () => {
    expectError(join(dir, "nope.safetensors"), "file does not exist (expected a .safetensors file, a model.safetensors.index.json or a directory with one)");
    mkdirSync(join(dir, "empty"));
    expectError(join(dir, "empty"), "no model.safetensors or model.safetensors.index.json in this directory");
  });
});

describe("reading names", () => {
  it("a missing name lists similar names first", () => {
    const path = join(dir, "m.safetensors");
    const t = { shape: [1], data: f32(0) };
    writeSafetensors(path, { "a.x": t, "b.x": t, "c.y": t, "encoder.layer.0.output.dense.weight": t, "z.z": t, "zz.z": t, "zzz.z": t });
    const file = openSafetensors(path);
    expect(() => file.readFloat32("bert.encoder.layer.0.output.dense.weight")).toThrow(
      `${path}: no tensor 'bert.encoder.layer.0.output.dense.weight' (it has 'encoder.layer.0.output.dense.weight', 'a.x', 'b.x', 'c.y', 'z.z', ... 2 more)`,
    );
    file.close();
    expect(() => file.readFloat32("a.x")).toThrow("read of 'a.x' after close()");
  });

  it("readInt32 refuses floats and int64 values outside int32", () => {
    const path = rawFile("ints.safetensors", {
      big: { dtype: "I64", shape: [1], data_offsets: [0, 8] },
      f: { dtype: "F32", shape: [1], data_offsets: [8, 12] },
    }, new Uint8Array([...new Uint8Array(new BigInt64Array([2n ** 40n]).buffer), 0, 0, 0, 0]));
    const file = openSafetensors(path);
    expect(() => file.readInt32("big")).toThrow("tensor 'big' (I64) holds 1099511627776 at index 0, outside the int32 range tfjs supports");
    expect(() => file.readInt32("f")).toThrow("tensor 'f' is F32, not an integer dtype (read it with readFloat32)");
    expect(file.readFloat32("big").data).toEqual(f32(2 ** 40));
    file.close();
  });
});

describe("the tiny-bert-hf fixture", () => {
  const fixtureDir = new URL("../../../../models/test-fixtures/tiny-bert-hf/", import.meta.url).pathname;

  it("has exactly the names and shapes its config.json implies", () => {
    const config = JSON.parse(readFileSync(join(fixtureDir, "config.json"), "utf8")) as Record<string, number>;
    const { hidden_size: H, intermediate_size: I, vocab_size: V, max_position_embeddings: P, type_vocab_size: T, num_hidden_layers: L } = config;
    const expected: Record<string, number[]> = {
      "embeddings.word_embeddings.weight": [V!, H!],
      "embeddings.position_embeddings.weight": [P!, H!],
      "embeddings.token_type_embeddings.weight": [T!, H!],
      "embeddings.LayerNorm.weight": [H!],
      "embeddings.LayerNorm.bias": [H!],
      "pooler.dense.weight": [H!, H!],
      "pooler.dense.bias": [H!],
    };
    for (let i = 0; i < L!; i++) {
      const p = `encoder.layer.${i}`;
      for (const m of ["attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense"]) {
        expected[`${p}.${m}.weight`] = [H!, H!];
        expected[`${p}.${m}.bias`] = [H!];
      }
      for (const n of ["attention.output.LayerNorm", "output.LayerNorm"]) {
        expected[`${p}.${n}.weight`] = [H!];
        expected[`${p}.${n}.bias`] = [H!];
      }
      expected[`${p}.intermediate.dense.weight`] = [I!, H!];
      expected[`${p}.intermediate.dense.bias`] = [I!];
      expected[`${p}.output.dense.weight`] = [H!, I!];
      expected[`${p}.output.dense.bias`] = [H!];
    }

    const file = openSafetensors(fixtureDir);
    try {
      expect(file.names()).toEqual(Object.keys(expected).sort());
      for (const [name, shape] of Object.entries(expected)) expect(file.info(name)).toEqual({ dtype: "F32", shape });
      const embedding = file.readFloat32("embeddings.word_embeddings.weight");
      expect(embedding.data.length).toBe(V! * H!);
      expect(embedding.data.every(Number.isFinite)).toBe(true);
      expect(new Set(embedding.data).size).toBeGreaterThan(100); // real weights, not a constant fill
      expect(file.metadata()).toEqual({ format: "pt" });
    } finally {
      file.close();
    }
  });
});
