// Packs a token stream into full-length pair sequences `[CLS] a [SEP] b [SEP]` with no padding, so
// every position of every sequence is trained (RoBERTa's FULL-SENTENCES packing). The split between
// a (token type 0) and b (token type 1) falls at a random point in the middle half, so both token
// type embeddings and [SEP] in the middle are seen in pretraining, as in the pair tasks PET meets.
import type { SeededRng } from "@s3pet/core";

export interface PackedSequences {
  readonly count: number;
  readonly seqLength: number;
  /** [count, seqLength] row-major */
  readonly inputIds: Int32Array;
  /** [count, seqLength] row-major: 0 for `[CLS] a [SEP]`, 1 for `b [SEP]` */
  readonly tokenTypeIds: Int32Array;
}

export interface PackOptions {
  readonly seqLength: number;
  readonly clsId: number;
  readonly sepId: number;
  /** Chooses the a/b split of each sequence. */
  readonly rng: SeededRng;
}

/** Cuts `tokens` into consecutive sequences of seqLength - 3 content tokens; drops the short tail. */
export function packSequences(tokens: Int32Array, options: PackOptions): PackedSequences {
  const { seqLength: T, clsId, sepId, rng } = options;
  if (!Number.isInteger(T) || T < 8) throw new RangeError(`seqLength must be an integer >= 8, got ${T}`);
  const content = T - 3;
  const count = Math.floor(tokens.length / content);
  const inputIds = new Int32Array(count * T);
  const tokenTypeIds = new Int32Array(count * T);
  for (let s = 0; s < count; s++) {
    const src = tokens.subarray(s * content, (s + 1) * content);
    const row = s * T;
    const lenA = Math.floor(content / 4) + rng.nextInt(Math.floor(content / 2) + 1); // in [content/4, 3 content/4]
    inputIds[row] = clsId;
    inputIds.set(src.subarray(0, lenA), row + 1);
    inputIds[row + 1 + lenA] = sepId;
    inputIds.set(src.subarray(lenA), row + 2 + lenA);
    inputIds[row + T - 1] = sepId;
    tokenTypeIds.fill(1, row + 2 + lenA, row + T);
  }
  return { count, seqLength: T, inputIds, tokenTypeIds };
}
