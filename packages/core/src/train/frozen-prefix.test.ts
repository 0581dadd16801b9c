import * as tf from "@tensorflow/tfjs";
import { afterAll, describe, expect, it } from "vitest";
import type { Candidate } from "../search/search-space.js";
import { PLANTED, plantedTask, SyntheticBackbone } from "../run/testing/planted-task.js";
import { FrozenPrefix } from "./frozen-prefix.js";

const backbone = new SyntheticBackbone();
const at = (layer: number | null) => ({ site: { layer } }) as unknown as Candidate;
const task = plantedTask();

describe("FrozenPrefix", () => {
  afterAll(() => backbone.dispose());

  it("exists only when every module sits at layer 1 or above of a backbone with hiddenAt", () => {
    expect(FrozenPrefix.of(backbone, [at(2), at(1)], 10)?.layers).toBe(1);
    expect(FrozenPrefix.of(backbone, [at(2)], 10)?.layers).toBe(2);
    expect(FrozenPrefix.of(backbone, [at(2), at(0)], 10)).toBeNull();
    expect(FrozenPrefix.of(backbone, [at(2), at(null)], 10)).toBeNull(); // embeddings
    expect(FrozenPrefix.of(backbone, [], 10)).toBeNull(); // full fine-tuning
    const noPrefix = Object.assign(Object.create(backbone) as SyntheticBackbone, { hiddenAt: undefined });
    expect(FrozenPrefix.of(noPrefix, [at(2)], 10)).toBeNull();
  });

  it("keeps each example's output and gives back the same values, within the cap only", () => {
    const indices = [0, 1, 2];
    const batch = task.train.batch(indices);
    const expected = tf.tidy(() => Array.from(backbone.hiddenAt(batch, 2).dataSync()));
    const read = (p: FrozenPrefix, idx: number[]) => {
      const { layer, hidden } = p.hiddenAt(task.train.batch(idx), idx);
      const v = Array.from(hidden.dataSync());
      hidden.dispose();
      return { layer, v };
    };
    const tensors = tf.memory().numTensors;
    const cached = FrozenPrefix.of(backbone, [at(2)], task.train.size)!;
    expect(read(cached, indices)).toEqual({ layer: 2, v: expected });
    const row = PLANTED.length * PLANTED.hidden; // one example's [T, H]
    expect(read(cached, [2, 0, 1]).v).toEqual([...expected.slice(2 * row), ...expected.slice(0, 2 * row)]); // from the kept rows
    expect([cached.hits, cached.misses, cached.cached]).toEqual([1, 1, true]);
    const uncached = FrozenPrefix.of(backbone, [at(2)], task.train.size, 0)!;
    expect(read(uncached, indices).v).toEqual(expected);
    expect(read(uncached, indices).v).toEqual(expected);
    expect([uncached.hits, uncached.misses, uncached.cached]).toEqual([0, 2, false]);
    expect(tf.memory().numTensors).toBe(tensors);
  });
});
