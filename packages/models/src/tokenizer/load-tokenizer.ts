// loadTokenizer: the tokenizer of a checkpoint directory. tokenizer.json wins when present (as HF
// AutoTokenizer's default fast tokenizer does), else vocab.txt (+ tokenizer_config.json) is BERT WordPiece,
// converted to a tokenizer.json in memory as BertTokenizerFast does.
import * as fs from "node:fs";
import * as path from "node:path";
import { S3petInputError } from "@s3pet/core";
import { readBertTokenizer } from "./bert-tokenizer.js";
import { HfJsonTokenizer } from "./hf-json-tokenizer.js";
import type { TextTokenizer } from "./text-tokenizer.js";

export function loadTokenizer(dir: string): TextTokenizer {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw new S3petInputError(`${dir}: no such directory; pass the checkpoint directory that holds the tokenizer files`);
  }
  if (fs.existsSync(path.join(dir, "tokenizer.json"))) {
    return HfJsonTokenizer.fromDir(dir, { singleTokenType: typeVocabSize(dir) === 1 });
  }
  if (fs.existsSync(path.join(dir, "vocab.txt"))) return readBertTokenizer(dir);
  throw new S3petInputError(`${dir}: no tokenizer.json or vocab.txt; save the tokenizer next to the model (save_pretrained)`);
}

/** type_vocab_size from config.json, if readable (RoBERTa's 1 means: token types are all 0). */
function typeVocabSize(dir: string): number | undefined {
  try {
    const config = JSON.parse(fs.readFileSync(path.join(dir, "config.json"), "utf8")) as { type_vocab_size?: unknown };
    return typeof config.type_vocab_size === "number" ? config.type_vocab_size : undefined;
  } catch {
    return undefined; // no or unreadable config.json: the loader of the model reports that
  }
}
