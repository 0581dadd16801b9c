// BertWordPieceTokenizer: HF BertTokenizer (the "slow" Python one) from vocab.txt + tokenizer_config.json.
// Basic tokenisation (clean-up of control characters, CJK characters as single tokens, NFC, lower-casing
// and accent stripping, punctuation split), then greedy longest-match-first WordPiece with `##`
// continuations and [UNK] for words over max_input_chars_per_word; `[CLS] a [SEP] b [SEP]` with token types.
import * as fs from "node:fs";
import * as path from "node:path";
import { S3petInputError } from "@s3pet/core";
import {
  padEncoding,
  truncateLongestFirst,
  type EncodeOptions,
  type Encoding,
  type Pieces,
  type TextTokenizer,
} from "./text-tokenizer.js";

export interface BertTokenizerOptions {
  /** @default true */
  readonly doLowerCase: boolean;
  /** null: strip accents exactly when lower-casing (HF default). */
  readonly stripAccents: boolean | null;
  /** @default true */
  readonly tokenizeChineseChars: boolean;
  /** Longer words become [UNK]. @default 100 */
  readonly maxInputCharsPerWord: number;
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
  maxInputCharsPerWord: 100,
  modelMaxLength: 512,
  unkToken: "[UNK]",
  sepToken: "[SEP]",
  padToken: "[PAD]",
  clsToken: "[CLS]",
  maskToken: "[MASK]",
};

export class BertWordPieceTokenizer implements TextTokenizer {
  readonly kind = "wordpiece";
  readonly options: BertTokenizerOptions;
  private readonly ids = new Map<string, number>();
  private readonly specials: readonly string[];

  /** `vocab[i]` is the token with id i (the lines of vocab.txt). */
  constructor(
    readonly vocab: readonly string[],
    options: Partial<BertTokenizerOptions> = {},
    source = "vocabulary",
  ) {
    this.options = { ...DEFAULTS, ...options };
    vocab.forEach((token, id) => this.ids.set(token, id)); // a repeated line keeps its last id, as HF load_vocab
    const o = this.options;
    this.specials = [o.unkToken, o.sepToken, o.padToken, o.clsToken, o.maskToken];
    for (const token of [o.unkToken, o.sepToken, o.padToken, o.clsToken]) {
      if (!this.ids.has(token)) throw new S3petInputError(`${source}: special token ${token} is not in the vocabulary; add it to vocab.txt`);
    }
  }

  /** Reads `dir`/vocab.txt and, if present, `dir`/tokenizer_config.json. */
  static fromDir(dir: string): BertWordPieceTokenizer {
    const vocabPath = path.join(dir, "vocab.txt");
    if (!fs.existsSync(vocabPath)) throw new S3petInputError(`${vocabPath}: missing; a WordPiece tokenizer needs its vocab.txt`);
    const vocab = readVocabLines(vocabPath);
    const configPath = path.join(dir, "tokenizer_config.json");
    const options = fs.existsSync(configPath) ? optionsFromConfig(readJson(configPath), configPath) : {};
    return new BertWordPieceTokenizer(vocab, options, vocabPath);
  }

  get vocabSize(): number {
    return this.vocab.length;
  }

  get padId(): number {
    return this.idOf(this.options.padToken);
  }

  /** Word pieces of `text` without special tokens added (special tokens written in the text are kept whole). */
  tokenize(text: string): string[] {
    const tokens: string[] = [];
    for (const chunk of splitOnSpecials(text, this.specials)) {
      if (this.specials.includes(chunk)) tokens.push(chunk);
      else for (const word of this.basicTokenize(chunk)) tokens.push(...this.wordPiece(word));
    }
    return tokens;
  }

  encode(text: string, pair: string | null = null, options: EncodeOptions = {}): Encoding {
    const pieces = (t: string): Pieces => {
      const tokens = this.tokenize(t);
      return { tokens, ids: tokens.map((token) => this.idOf(token)) };
    };
    let a = pieces(text);
    let b = pair === null ? null : pieces(pair);
    if (options.maxLength !== undefined) [a, b] = truncateLongestFirst(a, b, b ? 3 : 2, options.maxLength);
    const { clsToken: cls, sepToken: sep } = this.options;
    const tokens = [cls, ...a.tokens, sep, ...(b ? [...b.tokens, sep] : [])];
    const ids = [this.idOf(cls), ...a.ids, this.idOf(sep), ...(b ? [...b.ids, this.idOf(sep)] : [])];
    const firstLength = a.tokens.length + 2; // [CLS] a [SEP]
    const encoding: Encoding = {
      ids,
      tokenTypeIds: tokens.map((_, i) => (i < firstLength ? 0 : 1)),
      attentionMask: tokens.map(() => 1),
      tokens,
    };
    return options.padTo === undefined ? encoding : padEncoding(encoding, options.padTo, this.padId, this.options.padToken);
  }

  files(): Record<string, string> {
    const o = this.options;
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
    return { "vocab.txt": this.vocab.join("\n") + "\n", "tokenizer_config.json": JSON.stringify(config, null, 2) + "\n" };
  }

  private idOf(token: string): number {
    return this.ids.get(token) ?? this.ids.get(this.options.unkToken)!;
  }

  /** HF BasicTokenizer.tokenize. */
  private basicTokenize(text: string): string[] {
    const o = this.options;
    let cleaned = cleanText(text);
    if (o.tokenizeChineseChars) cleaned = spaceChineseChars(cleaned);
    const words: string[] = [];
    for (let word of whitespaceSplit(cleaned.normalize("NFC"))) {
      if (o.doLowerCase) {
        word = word.toLowerCase();
        if (o.stripAccents !== false) word = stripAccents(word);
      } else if (o.stripAccents) {
        word = stripAccents(word);
      }
      words.push(...splitOnPunctuation(word));
    }
    return words;
  }

  /** Greedy longest-match-first; a word that cannot be covered is one [UNK]. */
  private wordPiece(word: string): string[] {
    const chars = Array.from(word); // code points, as Python's len() counts them
    if (chars.length > this.options.maxInputCharsPerWord) return [this.options.unkToken];
    const pieces: string[] = [];
    let start = 0;
    while (start < chars.length) {
      let end = chars.length;
      let piece: string | null = null;
      while (start < end) {
        const candidate = (start > 0 ? "##" : "") + chars.slice(start, end).join("");
        if (this.ids.has(candidate)) {
          piece = candidate;
          break;
        }
        end--;
      }
      if (piece === null) return [this.options.unkToken];
      pieces.push(piece);
      start = end;
    }
    return pieces;
  }
}

// ---------------------------------------------------------------------------------------------
// The character classes of HF tokenization_bert.py

function isWhitespace(ch: string): boolean {
  return ch === " " || ch === "\t" || ch === "\n" || ch === "\r" || /\p{Zs}/u.test(ch);
}

function isControl(ch: string): boolean {
  if (ch === "\t" || ch === "\n" || ch === "\r") return false;
  return /\p{C}/u.test(ch);
}

function isPunctuation(ch: string): boolean {
  const cp = ch.codePointAt(0)!;
  // ASCII non-letter/number symbols count as punctuation even where Unicode says otherwise ("^", "$", "`").
  if ((cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126)) return true;
  return /\p{P}/u.test(ch);
}

function isChineseChar(cp: number): boolean {
  return (
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x20000 && cp <= 0x2a6df) ||
    (cp >= 0x2a700 && cp <= 0x2b73f) ||
    (cp >= 0x2b740 && cp <= 0x2b81f) ||
    (cp >= 0x2b820 && cp <= 0x2ceaf) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0x2f800 && cp <= 0x2fa1f)
  );
}

/** Drops NUL, U+FFFD and control characters; maps whitespace to a space. */
function cleanText(text: string): string {
  let out = "";
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (cp === 0 || cp === 0xfffd || isControl(ch)) continue;
    out += isWhitespace(ch) ? " " : ch;
  }
  return out;
}

function spaceChineseChars(text: string): string {
  let out = "";
  for (const ch of text) out += isChineseChar(ch.codePointAt(0)!) ? ` ${ch} ` : ch;
  return out;
}

/** NFD, then drop combining marks (Mn). */
function stripAccents(text: string): string {
  return Array.from(text.normalize("NFD"))
    .filter((ch) => !/\p{Mn}/u.test(ch))
    .join("");
}

/** Every punctuation character becomes its own word. */
function splitOnPunctuation(word: string): string[] {
  const out: string[] = [];
  let current = "";
  for (const ch of word) {
    if (isPunctuation(ch)) {
      if (current) out.push(current);
      out.push(ch);
      current = "";
    } else {
      current += ch;
    }
  }
  if (current) out.push(current);
  return out;
}

function whitespaceSplit(text: string): string[] {
  return text.split(" ").filter((w) => w.length > 0);
}

/** Splits `text` around exact occurrences of the special tokens, keeping them as chunks. */
function splitOnSpecials(text: string, specials: readonly string[]): string[] {
  const pattern = new RegExp(`(${specials.map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|")})`);
  return text.split(pattern).filter((chunk) => chunk.length > 0);
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (error) {
    throw new S3petInputError(`${file}: not valid JSON (${(error as Error).message}); restore the file`, { cause: error });
  }
}

/** tokenizer_config.json fields -> options (special tokens may be strings or {content} objects). */
function optionsFromConfig(json: unknown, source: string): Partial<BertTokenizerOptions> {
  if (json === null || typeof json !== "object") throw new S3petInputError(`${source}: expected a JSON object`);
  const c = json as Record<string, unknown>;
  const token = (key: string): string | undefined => {
    const value = c[key];
    if (typeof value === "string") return value;
    if (value && typeof value === "object" && typeof (value as { content?: unknown }).content === "string") {
      return (value as { content: string }).content;
    }
    return undefined;
  };
  const bool = (key: string): boolean | undefined => (typeof c[key] === "boolean" ? (c[key] as boolean) : undefined);
  const options: Record<string, unknown> = {
    doLowerCase: bool("do_lower_case"),
    stripAccents: c.strip_accents === null ? null : bool("strip_accents"),
    tokenizeChineseChars: bool("tokenize_chinese_chars"),
    // HF writes a huge sentinel (1e30) when the length is unknown
    modelMaxLength: typeof c.model_max_length === "number" && c.model_max_length < 1e9 ? c.model_max_length : undefined,
    unkToken: token("unk_token"),
    sepToken: token("sep_token"),
    padToken: token("pad_token"),
    clsToken: token("cls_token"),
    maskToken: token("mask_token"),
  };
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as Partial<BertTokenizerOptions>;
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
      const shown = token.length > 40 ? `${token.slice(0, 40)}…` : token;
      throw new S3petInputError(`${vocabPath}: token '${shown}' is on lines ${seen + 1} and ${i + 1}; each token must appear once (remove the duplicate line)`);
    }
    firstLine.set(token, i);
  }
  return vocab;
}
