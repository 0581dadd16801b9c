// TextTokenizer: what the engine, the data glue and `s3pet encode` need from a tokenizer, whatever
// its kind (BERT WordPiece from vocab.txt, or any tokenizer.json through @huggingface/tokenizers).
// Truncation and padding are written once here (HF longest_first, special tokens always kept).
import { S3petInputError } from "@s3pet/core";

export interface EncodeOptions {
  /** Truncate to at most this many tokens, special tokens included (longest_first). */
  readonly maxLength?: number;
  /** Pad with the pad token (mask 0, token type 0) up to this length. */
  readonly padTo?: number;
}

export interface Encoding {
  readonly ids: number[];
  readonly tokenTypeIds: number[];
  readonly attentionMask: number[];
  readonly tokens: string[];
}

export interface TextTokenizer {
  /** `wordpiece` (vocab.txt) or `tokenizer.json`, for descriptions. */
  readonly kind: string;
  readonly vocabSize: number;
  readonly padId: number;
  /** Encodes one text or a pair with the model's special tokens. */
  encode(text: string, pair?: string | null, options?: EncodeOptions): Encoding;
  /** The files that recreate this tokenizer in a checkpoint directory: name -> contents. */
  files(): Readonly<Record<string, string>>;
}

/** Pieces of one text or a pair (no special tokens yet), as parallel token and id lists. */
export interface Pieces {
  readonly tokens: string[];
  readonly ids: number[];
}

/**
 * HF `truncate_sequences` with `longest_first`: remove one token at a time from the end of the longer
 * sequence (the pair on ties) until `a`, `b` and `specials` fit in `maxLength`.
 */
export function truncateLongestFirst(a: Pieces, b: Pieces | null, specials: number, maxLength: number): [Pieces, Pieces | null] {
  const minimum = specials + 1 + (b ? 1 : 0);
  if (!Number.isInteger(maxLength) || maxLength < minimum) {
    throw new S3petInputError(`maxLength ${maxLength} leaves no room for text beside ${specials} special tokens; use --max-length >= ${minimum}`);
  }
  let lengthA = a.tokens.length;
  let lengthB = b ? b.tokens.length : 0;
  let excess = lengthA + lengthB + specials - maxLength;
  while (excess > 0) {
    if (!b || lengthA > lengthB) lengthA--;
    else lengthB--;
    excess--;
  }
  const cut = (p: Pieces, n: number): Pieces => ({ tokens: p.tokens.slice(0, n), ids: p.ids.slice(0, n) });
  return [cut(a, lengthA), b ? cut(b, lengthB) : null];
}

/** Pads an encoding to `length` (no-op when it is already that long or longer). */
export function padEncoding(encoding: Encoding, length: number, padId: number, padToken: string): Encoding {
  const missing = length - encoding.ids.length;
  if (missing <= 0) return encoding;
  const fill = <T>(value: T): T[] => new Array<T>(missing).fill(value);
  return {
    ids: [...encoding.ids, ...fill(padId)],
    tokenTypeIds: [...encoding.tokenTypeIds, ...fill(0)],
    attentionMask: [...encoding.attentionMask, ...fill(0)],
    tokens: [...encoding.tokens, ...fill(padToken)],
  };
}
