// @s3pet/models/testing: fixtures that other packages' tests share, so none reaches into this package
// by a relative path. The files stay in test-fixtures/ (not shipped); these are paths to them.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** A tiny BERT checkpoint in Hugging Face layout (config.json, vocab.txt, model.safetensors). */
export const TINY_BERT_DIR = fileURLToPath(new URL("../../test-fixtures/tiny-bert-hf", import.meta.url));

/** The tiny BERT's tokenizer reference (transformers' BertTokenizerFast on its vocab.txt): texts and their encodings. */
export interface TokenizerReference {
  readonly texts: [string, string | null][];
  readonly tokens: string[][];
  readonly input_ids: number[][];
  readonly token_type_ids: number[][];
  readonly attention_mask: number[][];
}

export function readTokenizerReference(): TokenizerReference {
  return JSON.parse(readFileSync(join(TINY_BERT_DIR, "reference.json"), "utf8")) as TokenizerReference;
}
