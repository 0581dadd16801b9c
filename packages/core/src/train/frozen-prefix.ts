// FrozenPrefix: with a fixed structure, the layers below the lowest module see no gradient, and (the
// engine runs the backbone without dropout) give an example the same output every epoch. Their output
// is computed outside the gradient tape, so the tape keeps none of their activations, and, when the
// whole training split fits in a host-memory cap, kept per example and reused: from the second epoch
// on a step skips those layers (docs/ARCHITECTURE.md, "Skipping the frozen layers").
import * as tf from "@tensorflow/tfjs";
import type { Backbone, EncodedBatch, HiddenAtLayer } from "../backbone/backbone.js";
import type { Candidate } from "../search/search-space.js";

/** Host memory the per-example cache may use; above it the prefix is recomputed every step. */
export const FROZEN_PREFIX_CACHE_BYTES = 1024 * 2 ** 20;

export class FrozenPrefix {
  /** Per example: its rows [T, H] of the prefix output, for batches of length T. */
  private readonly cache = new Map<number, { length: number; rows: Float32Array }>();
  private caching: boolean | null = null;
  hits = 0;
  misses = 0;

  private constructor(
    private readonly backbone: Backbone & Required<Pick<Backbone, "hiddenAt">>,
    /** Layers run before the first module (>= 1). */
    readonly layers: number,
    private readonly examples: number,
    private readonly capBytes: number,
  ) {}

  /**
   * The prefix for a fixed structure, or null when there is nothing to skip: a module at layer 0 or
   * outside the layer stack (embeddings), no module at all (full fine-tuning), or a backbone without `hiddenAt`.
   */
  static of(backbone: Backbone, candidates: readonly Candidate[], examples: number, capBytes = FROZEN_PREFIX_CACHE_BYTES): FrozenPrefix | null {
    if (!backbone.hiddenAt || candidates.length === 0) return null;
    const layers = candidates.map((c) => c.site.layer);
    if (layers.some((l) => l === null)) return null;
    const lowest = Math.min(...(layers as number[]));
    return lowest > 0 ? new FrozenPrefix(backbone as Backbone & Required<Pick<Backbone, "hiddenAt">>, lowest, examples, capBytes) : null;
  }

  /** Whether outputs are kept per example (decided at the first batch, from its length); null before it. */
  get cached(): boolean | null {
    return this.caching;
  }

  /** The prefix output of `batch` (rows of `indices`, in order) as `forward`'s `from`; the caller disposes `hidden`. */
  hiddenAt(batch: EncodedBatch, indices: readonly number[]): HiddenAtLayer {
    const { length: T } = batch;
    const H = this.backbone.hiddenSize;
    this.caching ??= this.examples * T * H * 4 <= this.capBytes;
    const rows = indices.map((i) => this.cache.get(i));
    if (this.caching && rows.every((r) => r?.length === T)) {
      this.hits++;
      const data = new Float32Array(indices.length * T * H);
      rows.forEach((r, b) => data.set(r!.rows, b * T * H));
      return { layer: this.layers, hidden: tf.tensor2d(data, [indices.length * T, H]) };
    }
    this.misses++;
    const hidden = tf.tidy(() => this.backbone.hiddenAt(batch, this.layers)); // [N, H]
    if (this.caching) {
      const data = hidden.dataSync() as Float32Array;
      indices.forEach((i, b) => this.cache.set(i, { length: T, rows: data.slice(b * T * H, (b + 1) * T * H) }));
    }
    return { layer: this.layers, hidden };
  }
}
