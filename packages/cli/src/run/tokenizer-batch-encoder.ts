// The BatchEncoder @s3pet/data asks for, from a @s3pet/models tokenizer: models' encodeBatch truncates
// each text (and pair) to --max-length and pads the batch to its longest row only.
import type { BatchEncoder } from "@s3pet/data";
import { encodeBatch, type TextTokenizer } from "@s3pet/models";

export function tokenizerBatchEncoder(tokenizer: TextTokenizer, maxLength: number): BatchEncoder {
  return (texts, pairs) => encodeBatch(tokenizer, texts.map((text, i) => ({ text, pair: pairs ? pairs[i]! : null })), { maxLength });
}
