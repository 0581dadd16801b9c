// A sharded checkpoint: `model.safetensors.index.json` = { metadata, weight_map: { name: shard file } },
// as Hugging Face writes large models. Every shard's header is read and checked against the weight map
// at open time (headers are small); tensor data is still read lazily, one name at a time.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { CheckpointError } from "../../errors/s3pet-error.js";
import { SingleSafetensorsFile, TensorNameIndex, type SafetensorsFile, type SafetensorsTensorInfo } from "./safetensors-file.js";

export class ShardedSafetensorsFile extends TensorNameIndex<SingleSafetensorsFile> implements SafetensorsFile {
  protected readonly byName = new Map<string, SingleSafetensorsFile>();
  private readonly shards: SingleSafetensorsFile[] = [];
  private readonly indexMetadata: Record<string, string> = {};

  /** @param path a model.safetensors.index.json */
  constructor(readonly path: string) {
    super();
    const weightMap = this.readIndex();
    const byFile = new Map<string, SingleSafetensorsFile>();
    try {
      for (const [name, file] of Object.entries(weightMap)) {
        let shard = byFile.get(file);
        if (shard === undefined) {
          const shardPath = join(dirname(path), file);
          if (!existsSync(shardPath)) throw new CheckpointError(`${path}: shard '${file}' (holding '${name}') is missing from ${dirname(path)}`);
          shard = new SingleSafetensorsFile(shardPath);
          byFile.set(file, shard);
          this.shards.push(shard);
        }
        if (!shard.has(name)) throw new CheckpointError(`${path}: weight_map puts '${name}' in '${file}', but that shard has no such tensor`);
        this.byName.set(name, shard);
      }
    } catch (error) {
      this.close();
      throw error;
    }
  }

  info(name: string): SafetensorsTensorInfo {
    return this.lookup(name).info(name);
  }

  readFloat32(name: string): { shape: number[]; data: Float32Array } {
    return this.lookup(name).readFloat32(name);
  }

  readInt32(name: string): { shape: number[]; data: Int32Array } {
    return this.lookup(name).readInt32(name);
  }

  readRaw(name: string): SafetensorsTensorInfo & { bytes: Uint8Array } {
    return this.lookup(name).readRaw(name);
  }

  metadata(): Record<string, string> {
    return Object.assign({}, ...this.shards.map((s) => s.metadata()), this.indexMetadata);
  }

  close(): void {
    for (const shard of this.shards) shard.close();
  }

  /** Parses the index; its `metadata` values (e.g. total_size, a number) are kept as strings. */
  private readIndex(): Record<string, string> {
    let index: unknown;
    try {
      index = JSON.parse(readFileSync(this.path, "utf8"));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const problem = code === "ENOENT" ? "file does not exist" : code ? `cannot read (${code})` : `invalid JSON (${(error as Error).message})`;
      throw new CheckpointError(`${this.path}: ${problem}`, { cause: error });
    }
    const { weight_map: weightMap, metadata } = (index ?? {}) as { weight_map?: unknown; metadata?: unknown };
    const isStringMap = (x: unknown): x is Record<string, string> =>
      typeof x === "object" && x !== null && !Array.isArray(x) && Object.values(x).every((v) => typeof v === "string");
    if (!isStringMap(weightMap)) throw new CheckpointError(`${this.path}: expected "weight_map": { tensor name: shard file }`);
    if (typeof metadata === "object" && metadata !== null) {
      for (const [k, v] of Object.entries(metadata)) this.indexMetadata[k] = typeof v === "string" ? v : JSON.stringify(v);
    }
    return weightMap;
  }
}
