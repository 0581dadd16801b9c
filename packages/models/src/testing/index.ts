// @s3pet/models/testing: fixtures that other packages' tests share, so none reaches into this package
// by a relative path. The files stay in test-fixtures/ (not shipped); these are paths to them.
import { fileURLToPath } from "node:url";

/** A tiny BERT checkpoint in Hugging Face layout (config.json, vocab.txt, model.safetensors). */
export const TINY_BERT_DIR = fileURLToPath(new URL("../../test-fixtures/tiny-bert-hf", import.meta.url));
