// BERT's masked-LM corruption (Devlin et al. 2019, §3.1): each non-special token is selected with
// probability `maskProb`; a selected token becomes [MASK] 80% of the time, a random non-special
// token 10%, and stays itself 10%. The loss is computed only at the selected positions, which are
// returned as flat indices into [B*T] so the MLM head can gather them before its vocab matmul.
import type { SeededRng } from "@s3pet/core";

export interface MaskedBatch {
  /** [B*T] the corrupted input ids */
  readonly inputIds: Int32Array;
  /** [M] flat positions b*T + t of the selected tokens, ascending */
  readonly positions: Int32Array;
  /** [M] the original ids at those positions */
  readonly labels: Int32Array;
}

export interface MaskOptions {
  readonly maskId: number;
  readonly vocabSize: number;
  /** Ids never selected and never used as random replacements ([PAD], [CLS], [SEP], ...): ids below this. */
  readonly numSpecialTokens: number;
  /** @default 0.15 */
  readonly maskProb?: number;
}

/** Corrupts a copy of `inputIds`; at least one position is selected whenever one can be. */
export function maskTokens(inputIds: Int32Array, options: MaskOptions, rng: SeededRng): MaskedBatch {
  const { maskId, vocabSize, numSpecialTokens } = options;
  const maskProb = options.maskProb ?? 0.15;
  const out = inputIds.slice();
  const positions: number[] = [];
  for (let i = 0; i < out.length; i++) {
    if (out[i]! < numSpecialTokens) continue;
    if (rng.next() < maskProb) positions.push(i);
  }
  if (positions.length === 0) {
    const candidates = [...out.keys()].filter((i) => out[i]! >= numSpecialTokens);
    if (candidates.length > 0) positions.push(candidates[rng.nextInt(candidates.length)]!);
  }
  const labels = new Int32Array(positions.length);
  positions.forEach((p, j) => {
    labels[j] = out[p]!;
    const u = rng.next();
    if (u < 0.8) out[p] = maskId;
    else if (u < 0.9) out[p] = numSpecialTokens + rng.nextInt(vocabSize - numSpecialTokens);
  });
  return { inputIds: out, positions: Int32Array.from(positions), labels };
}
