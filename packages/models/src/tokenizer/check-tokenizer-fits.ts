// checkTokenizerFits: the tokenizer of a checkpoint directory against its config.json, before any weight
// is read: a token id at or beyond vocab_size would index past the embedding table at the first forward
// pass (after the run directory exists), and a pad id the model does not know is the same failure.
import { S3petInputError } from "@s3pet/core";
import type { TextTokenizer } from "./text-tokenizer.js";

export function checkTokenizerFits(tokenizer: TextTokenizer, config: { readonly vocabSize: number }, dir: string): void {
  const file = tokenizer.kind === "wordpiece" ? "vocab.txt" : "tokenizer.json";
  if (tokenizer.vocabSize > config.vocabSize) {
    throw new S3petInputError(
      `${dir}: ${file} has ${tokenizer.vocabSize} tokens but config.json's vocab_size is ${config.vocabSize}; use the tokenizer saved with these weights`,
    );
  }
  if (tokenizer.padId >= config.vocabSize) {
    throw new S3petInputError(`${dir}: the tokenizer's pad id ${tokenizer.padId} is beyond config.json's vocab_size ${config.vocabSize}; use the tokenizer saved with these weights`);
  }
}
