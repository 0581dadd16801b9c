// bertTokenizer: a BERT WordPiece checkpoint (vocab.txt + tokenizer_config.json) tokenised through the
// maintained @huggingface/tokenizers. We build in memory the tokenizer.json that transformers'
// BertTokenizerFast writes for such a checkpoint (convert_slow_tokenizer.BertConverter: BertNormalizer,
// BertPreTokenizer, WordPiece with `##`, `[CLS] $A [SEP] $B:1 [SEP]:1`), and keep vocab.txt and
// tokenizer_config.json as the files that recreate it. Parity with google-research/bert's reference
// tokenizer, and the one known difference, are in packages/models/README.md (Parity).
import * as fs from "node:fs";
import * as path from "node:path";
import { brief, S3petInputError } from "@s3pet/core";
import { HfJsonTokenizer, parseObject, specialToken } from "./hf-json-tokenizer.js";

export interface BertTokenizerOptions {
  /** @default true */
  readonly doLowerCase: boolean;
  /** null: strip accents exactly when lower-casing (HF default). */
  readonly stripAccents: boolean | null;
  /** @default true */
  readonly tokenizeChineseChars: boolean;
  /** @default 512 */
  readonly modelMaxLength: number;
  readonly unkToken: string;
  readonly sepToken: string;
  readonly padToken: string;
  readonly clsToken: string;
  readonly maskToken: string;
}

const DEFAULTS: BertTokenizerOptions = {
  doLowerCase: true,
  stripAccents: null,
  tokenizeChineseChars: true,
  modelMaxLength: 512,
  unkToken: "[UNK]",
  sepToken: "[SEP]",
  padToken: "[PAD]",
  clsToken: "[CLS]",
  maskToken: "[MASK]",
};

/** `vocab[i]` is the token with id i (the lines of vocab.txt). */
export function bertTokenizer(vocab: readonly string[], options: Partial<BertTokenizerOptions> = {}, source = "vocabulary"): HfJsonTokenizer {
  const o = { ...DEFAULTS, ...options };
  const ids = new Map<string, number>();
  vocab.forEach((token, id) => ids.set(token, id)); // a repeated line keeps its last id, as HF load_vocab
  for (const token of [o.unkToken, o.sepToken, o.padToken, o.clsToken]) {
    if (!ids.has(token)) throw new S3petInputError(`${source}: special token ${token} is not in the vocabulary; add it to vocab.txt`);
  }
  const config = {
    tokenizer_class: "BertTokenizer",
    do_lower_case: o.doLowerCase,
    strip_accents: o.stripAccents,
    tokenize_chinese_chars: o.tokenizeChineseChars,
    model_max_length: o.modelMaxLength,
    unk_token: o.unkToken,
    sep_token: o.sepToken,
    pad_token: o.padToken,
    cls_token: o.clsToken,
    mask_token: o.maskToken,
  };
  const configJson = JSON.stringify(config, null, 2) + "\n";
  const files = { "vocab.txt": vocab.join("\n") + "\n", "tokenizer_config.json": configJson };
  const beforeNormalizer = o.tokenizeChineseChars ? spaceSupplementaryChineseChars : undefined;
  return new HfJsonTokenizer(JSON.stringify(bertTokenizerJson(ids, o)), configJson, { kind: "wordpiece", files, beforeNormalizer }, source);
}

/** Reads `dir`/vocab.txt and, if present, `dir`/tokenizer_config.json. */
export function readBertTokenizer(dir: string): HfJsonTokenizer {
  const vocabPath = path.join(dir, "vocab.txt");
  if (!fs.existsSync(vocabPath)) throw new S3petInputError(`${vocabPath}: missing; a WordPiece tokenizer needs its vocab.txt`);
  const vocab = readVocabLines(vocabPath);
  const configPath = path.join(dir, "tokenizer_config.json");
  const options = fs.existsSync(configPath) ? optionsFromConfig(parseObject(fs.readFileSync(configPath, "utf8"), configPath)) : {};
  return bertTokenizer(vocab, options, vocabPath);
}

/**
 * The tokens of vocab.txt, one a line. A byte-order mark, bytes that are not UTF-8 and a token on two
 * lines are refused: each would shift or hide ids silently (a BOM glues itself to the first token).
 */
function readVocabLines(vocabPath: string): string[] {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(fs.readFileSync(vocabPath));
  } catch (error) {
    throw new S3petInputError(`${vocabPath}: not valid UTF-8 (${(error as Error).message}); save the vocabulary as UTF-8`, { cause: error });
  }
  if (text.startsWith("\uFEFF")) {
    throw new S3petInputError(`${vocabPath}: starts with a byte-order mark (BOM); save it as UTF-8 without BOM (sed -i '1s/^\\xEF\\xBB\\xBF//' vocab.txt)`);
  }
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  const vocab = lines.map((line) => line.replace(/\r$/, ""));
  const firstLine = new Map<string, number>();
  for (const [i, token] of vocab.entries()) {
    const seen = firstLine.get(token);
    if (seen !== undefined) {
      throw new S3petInputError(`${vocabPath}: token '${brief(token, 40)}' is on lines ${seen + 1} and ${i + 1}; each token must appear once (remove the duplicate line)`);
    }
    firstLine.set(token, i);
  }
  return vocab;
}

/**
 * Spaces around the CJK ideographs outside the Basic Multilingual Plane (Extensions B-F and the
 * compatibility supplement), which BertNormalizer's handle_chinese_chars should isolate but
 * @huggingface/tokenizers 0.2.0 misses (it reads UTF-16 code units). Spacing them before the clean-up
 * is the same: the clean-up keeps both the spaces and the characters.
 */
const SUPPLEMENTARY_CJK = /[\u{20000}-\u{2A6DF}\u{2A700}-\u{2B73F}\u{2B740}-\u{2B81F}\u{2B820}-\u{2CEAF}\u{2F800}-\u{2FA1F}]/gu;

function spaceSupplementaryChineseChars(text: string): string {
  return text.replace(SUPPLEMENTARY_CJK, " $& ");
}

/** The tokenizer.json of BertConverter for this vocabulary and these options. */
function bertTokenizerJson(ids: ReadonlyMap<string, number>, o: BertTokenizerOptions): object {
  const specials = [o.padToken, o.unkToken, o.clsToken, o.sepToken, o.maskToken].filter((t) => ids.has(t));
  const template = (...items: object[]) => items;
  const special = (id: string, typeId: number) => ({ SpecialToken: { id, type_id: typeId } });
  const sequence = (id: string, typeId: number) => ({ Sequence: { id, type_id: typeId } });
  return {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: [...new Set(specials)]
      .sort((a, b) => ids.get(a)! - ids.get(b)!)
      .map((content) => ({ id: ids.get(content)!, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true })),
    normalizer: {
      type: "BertNormalizer",
      clean_text: true,
      handle_chinese_chars: o.tokenizeChineseChars,
      strip_accents: o.stripAccents,
      lowercase: o.doLowerCase,
    },
    pre_tokenizer: { type: "BertPreTokenizer" },
    post_processor: {
      type: "TemplateProcessing",
      single: template(special(o.clsToken, 0), sequence("A", 0), special(o.sepToken, 0)),
      pair: template(special(o.clsToken, 0), sequence("A", 0), special(o.sepToken, 0), sequence("B", 1), special(o.sepToken, 1)),
      special_tokens: Object.fromEntries(
        [o.clsToken, o.sepToken].map((t) => [t, { id: t, ids: [ids.get(t)!], tokens: [t] }]),
      ),
    },
    decoder: { type: "WordPiece", prefix: "##", cleanup: true },
    model: {
      type: "WordPiece",
      unk_token: o.unkToken,
      continuing_subword_prefix: "##",
      max_input_chars_per_word: 100,
      vocab: Object.fromEntries(ids),
    },
  };
}

/** tokenizer_config.json fields -> options. */
function optionsFromConfig(c: Record<string, unknown>): Partial<BertTokenizerOptions> {
  const bool = (key: string): boolean | undefined => (typeof c[key] === "boolean" ? (c[key] as boolean) : undefined);
  const options: Record<string, unknown> = {
    doLowerCase: bool("do_lower_case"),
    stripAccents: c.strip_accents === null ? null : bool("strip_accents"),
    tokenizeChineseChars: bool("tokenize_chinese_chars"),
    // HF writes a huge sentinel (1e30) when the length is unknown
    modelMaxLength: typeof c.model_max_length === "number" && c.model_max_length < 1e9 ? c.model_max_length : undefined,
    unkToken: specialToken(c.unk_token),
    sepToken: specialToken(c.sep_token),
    padToken: specialToken(c.pad_token),
    clsToken: specialToken(c.cls_token),
    maskToken: specialToken(c.mask_token),
  };
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as Partial<BertTokenizerOptions>;
}
