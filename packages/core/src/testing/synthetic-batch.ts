// syntheticBatch: a small seeded token batch for backbone checks, with real padding (the last
// sequence is shorter), so attention masks and gated prefixes are exercised together.
import type { EncodedBatch } from "../backbone/backbone.js";

export function syntheticBatch(options: { vocabSize: number; batch?: number; length?: number; seed?: number }): EncodedBatch {
  const { vocabSize, batch = 2, length = 6, seed = 1 } = options;
  const inputIds = new Int32Array(batch * length);
  const attentionMask = new Int32Array(batch * length);
  let state = seed >>> 0 || 1;
  const next = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32); // LCG in [0, 1)
  for (let b = 0; b < batch; b++) {
    const real = b === batch - 1 && length > 2 ? length - 2 : length; // last sequence: 2 padding tokens
    for (let t = 0; t < length; t++) {
      const i = b * length + t;
      attentionMask[i] = t < real ? 1 : 0;
      inputIds[i] = t < real ? 1 + Math.floor(next() * (vocabSize - 1)) : 0; // id 0 is padding
    }
  }
  return { batch, length, inputIds, tokenTypeIds: new Int32Array(batch * length), attentionMask };
}
