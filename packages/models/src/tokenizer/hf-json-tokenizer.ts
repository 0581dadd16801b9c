// HfJsonTokenizer: any Hugging Face `tokenizer.json` (WordPiece, byte-level BPE as in RoBERTa, ...)
// through the maintained pure-JS @huggingface/tokenizers. The library normalises, pre-tokenises and
// splits; we add the special tokens with its post-processor after our own longest_first truncation
// (text-tokenizer.ts), so truncation and padding are the same for every kind of tokenizer.
import * as fs from "node:fs";
import * as path from "node:path";
import { Tokenizer } from "@huggingface/tokenizers";
import { S3petInputError } from "@s3pet/core";
import { padEncoding, truncateLongestFirst, type EncodeOptions, type Encoding, type Pieces, type TextTokenizer } from "./text-tokenizer.js";

export interface HfJsonTokenizerOptions {
  /** Every token type 0, for models with type_vocab_size 1 (RoBERTa), whatever the post-processor says. */
  readonly singleTokenType?: boolean;
  /** For descriptions. @default "tokenizer.json" */
  readonly kind?: string;
  /** A rewrite of the raw text before the library sees it (a workaround for a library bug). */
  readonly beforeNormalizer?: (text: string) => string;
  /** The files that recreate this tokenizer (default: tokenizer.json and tokenizer_config.json). */
  readonly files?: Readonly<Record<string, string>>;
}

/** The library's post-processor, called as a function (its `_call`). */
type PostProcess = (a: string[], b: string[] | null, addSpecialTokens: boolean) => { tokens: string[]; token_type_ids?: number[] };

export class HfJsonTokenizer implements TextTokenizer {
  readonly kind: string;
  readonly vocabSize: number;
  readonly padId: number;
  private readonly tokenizer: Tokenizer;
  private readonly padToken: string;
  private readonly unkId: number;
  private readonly specialsSingle: number;
  private readonly specialsPair: number;

  constructor(
    private readonly tokenizerJson: string,
    private readonly configJson: string,
    private readonly options: HfJsonTokenizerOptions = {},
    source = "tokenizer.json",
  ) {
    this.kind = options.kind ?? "tokenizer.json";
    const json = parseObject(tokenizerJson, source);
    const config = parseObject(configJson, source.replace(/tokenizer\.json$/, "tokenizer_config.json"));
    try {
      this.tokenizer = new Tokenizer(json, config);
    } catch (error) {
      throw new S3petInputError(`${source}: not a tokenizer the library can build (${(error as Error).message}); re-save it with transformers`, {
        cause: error,
      });
    }
    const vocab = this.tokenizer.get_vocab(true);
    this.vocabSize = Math.max(...vocab.values()) + 1;
    const padding = (json.padding ?? null) as { pad_token?: string } | null;
    this.padToken = specialToken(config.pad_token) ?? padding?.pad_token ?? ["[PAD]", "<pad>"].find((t) => vocab.has(t)) ?? "[PAD]";
    this.padId = vocab.get(this.padToken) ?? 0;
    const unkToken = specialToken(config.unk_token) ?? ((json.model as { unk_token?: string } | undefined)?.unk_token ?? "");
    this.unkId = vocab.get(unkToken) ?? 0;
    this.specialsSingle = this.postProcess([], null).tokens.length;
    this.specialsPair = this.postProcess([], []).tokens.length;
  }

  /** Reads `dir`/tokenizer.json and, if present, `dir`/tokenizer_config.json. */
  static fromDir(dir: string, options: HfJsonTokenizerOptions = {}): HfJsonTokenizer {
    const jsonPath = path.join(dir, "tokenizer.json");
    if (!fs.existsSync(jsonPath)) throw new S3petInputError(`${jsonPath}: missing; save the tokenizer with transformers save_pretrained`);
    const configPath = path.join(dir, "tokenizer_config.json");
    const config = fs.existsSync(configPath) ? fs.readFileSync(configPath, "utf8") : "{}";
    return new HfJsonTokenizer(fs.readFileSync(jsonPath, "utf8"), config, options, jsonPath);
  }

  /** Tokens of `text` without special tokens. */
  tokenize(text: string): string[] {
    return this.tokenizer.tokenize(this.options.beforeNormalizer?.(text) ?? text, { add_special_tokens: false });
  }

  /**
   * The words the model splits into pieces: the text after the normalizer and the pre-tokenizer (for
   * BERT: clean-up, lower-casing, accent stripping, split on whitespace and punctuation).
   */
  preTokenize(text: string): string[] {
    const raw = this.options.beforeNormalizer?.(text) ?? text;
    const normalized = this.tokenizer.normalizer?.normalize(raw) ?? raw;
    return this.tokenizer.pre_tokenizer?.pre_tokenize(normalized) ?? [normalized];
  }

  encode(text: string, pair: string | null = null, options: EncodeOptions = {}): Encoding {
    const pieces = (t: string): Pieces => {
      const tokens = this.tokenize(t);
      return { tokens, ids: tokens.map((token) => this.tokenizer.token_to_id(token) ?? this.unkId) };
    };
    let a = pieces(text);
    let b = pair === null ? null : pieces(pair);
    if (options.maxLength !== undefined) {
      [a, b] = truncateLongestFirst(a, b, b ? this.specialsPair : this.specialsSingle, options.maxLength);
    }
    const processed = this.postProcess(a.tokens, b ? b.tokens : null);
    const tokens = processed.tokens;
    const encoding: Encoding = {
      ids: tokens.map((token) => this.tokenizer.token_to_id(token) ?? this.unkId),
      tokenTypeIds: this.options.singleTokenType ? tokens.map(() => 0) : (processed.token_type_ids ?? tokens.map(() => 0)),
      attentionMask: tokens.map(() => 1),
      tokens,
    };
    return options.padTo === undefined ? encoding : padEncoding(encoding, options.padTo, this.padId, this.padToken);
  }

  files(): Readonly<Record<string, string>> {
    return this.options.files ?? { "tokenizer.json": this.tokenizerJson, "tokenizer_config.json": this.configJson };
  }

  private postProcess(a: string[], b: string[] | null): { tokens: string[]; token_type_ids?: number[] } {
    const post = this.tokenizer.post_processor as unknown as PostProcess | null;
    if (!post) return { tokens: [...a, ...(b ?? [])], token_type_ids: [...a.map(() => 0), ...(b ?? []).map(() => 1)] };
    return post(a, b, true);
  }
}

export function parseObject(text: string, source: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new S3petInputError(`${source}: not valid JSON (${(error as Error).message}); restore the file`, { cause: error });
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) throw new S3petInputError(`${source}: expected a JSON object`);
  return value as Record<string, unknown>;
}

/** tokenizer_config.json writes special tokens as strings or {content} objects. */
export function specialToken(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (value && typeof value === "object" && typeof (value as { content?: unknown }).content === "string") return (value as { content: string }).content;
  return undefined;
}
