// encodeBatch: many examples -> core's EncodedBatch (row-major typed arrays), padded to one length.
import type { EncodedBatch } from "@s3pet/core";
import { S3petInputError } from "@s3pet/core";
import type { TextTokenizer } from "./text-tokenizer.js";

export interface TextExample {
  readonly text: string;
  readonly pair?: string | null;
}

export interface EncodeBatchOptions {
  /** Truncate every example to this many tokens (special tokens included). */
  readonly maxLength: number;
  /** Pad to this length; default: the longest example of the batch. */
  readonly padTo?: number;
}

export function encodeBatch(tokenizer: TextTokenizer, examples: readonly TextExample[], options: EncodeBatchOptions): EncodedBatch {
  if (examples.length === 0) throw new S3petInputError("encodeBatch: no examples; pass at least one");
  const encodings = examples.map((e) => tokenizer.encode(e.text, e.pair ?? null, { maxLength: options.maxLength }));
  const longest = Math.max(...encodings.map((e) => e.ids.length));
  const length = options.padTo ?? longest;
  if (length < longest) throw new S3petInputError(`encodeBatch: padTo ${length} is shorter than maxLength-truncated examples (${longest})`);
  const batch = examples.length;
  const inputIds = new Int32Array(batch * length).fill(tokenizer.padId);
  const tokenTypeIds = new Int32Array(batch * length);
  const attentionMask = new Int32Array(batch * length);
  encodings.forEach((e, b) => {
    inputIds.set(e.ids, b * length);
    tokenTypeIds.set(e.tokenTypeIds, b * length);
    attentionMask.set(e.attentionMask, b * length);
  });
  return { batch, length, inputIds, tokenTypeIds, attentionMask };
}
