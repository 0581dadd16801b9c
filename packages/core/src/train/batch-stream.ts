// BatchStream: an endless, seeded stream of batches over a set of example indices. Each epoch is a
// fresh permutation derived from (seed, epoch) alone, so the stream's whole state is {epoch, cursor}:
// a checkpoint restores the exact data order. The last batch of an epoch may be short.
import { CheckpointError } from "../errors/s3pet-error.js";
import { SeededRng } from "../random/seeded-rng.js";

export interface BatchStreamState {
  readonly epoch: number;
  readonly cursor: number;
}

export class BatchStream {
  private epoch = 0;
  private cursor = 0;
  private order: number[];

  constructor(
    private readonly indices: readonly number[],
    readonly batchSize: number,
    private readonly seed: number,
  ) {
    if (indices.length === 0) throw new Error("BatchStream: no examples");
    this.order = this.permutation(0);
  }

  /** Batches per epoch (the last one may be short). */
  get batchesPerEpoch(): number {
    return Math.ceil(this.indices.length / this.batchSize);
  }

  next(): number[] {
    if (this.cursor >= this.order.length) {
      this.epoch += 1;
      this.cursor = 0;
      this.order = this.permutation(this.epoch);
    }
    const batch = this.order.slice(this.cursor, this.cursor + this.batchSize);
    this.cursor += batch.length;
    return batch;
  }

  state(): BatchStreamState {
    return { epoch: this.epoch, cursor: this.cursor };
  }

  restore(s: BatchStreamState): void {
    if (!Number.isInteger(s?.epoch) || !Number.isInteger(s?.cursor) || s.cursor < 0 || s.cursor > this.indices.length) {
      throw new CheckpointError(`data order ${JSON.stringify(s)} does not fit a split of ${this.indices.length} examples (checkpoint of another task? start without --resume)`);
    }
    this.epoch = s.epoch;
    this.cursor = s.cursor;
    this.order = this.permutation(s.epoch);
  }

  private permutation(epoch: number): number[] {
    return new SeededRng(this.seed).fork(`epoch:${epoch}`).shuffle([...this.indices]);
  }
}
