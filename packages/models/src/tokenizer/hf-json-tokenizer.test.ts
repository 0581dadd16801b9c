import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { encodeBatch } from "./encode-batch.js";
import { HfJsonTokenizer } from "./hf-json-tokenizer.js";
import { loadTokenizer } from "./load-tokenizer.js";
import { TINY_BERT_DIR, readTokenizerReference } from "../testing/index.js";

const fixtureDir = TINY_BERT_DIR;
const reference = readTokenizerReference();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "hf-json-tokenizer-"));
afterAll(() => fs.rmSync(tmp, { recursive: true }));

const special = (content: string, id: number) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });

/** The fixture's WordPiece vocabulary as the tokenizer.json HF BertTokenizerFast writes. */
function bertTokenizerJson(): object {
  const vocabLines = fs.readFileSync(path.join(fixtureDir, "vocab.txt"), "utf8").split("\n").filter((l) => l.length > 0);
  const vocab = Object.fromEntries(vocabLines.map((token, id) => [token, id]));
  const cls = { SpecialToken: { id: "[CLS]", type_id: 0 } };
  return {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"].map((t) => special(t, vocab[t]!)),
    normalizer: { type: "BertNormalizer", clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
    pre_tokenizer: { type: "BertPreTokenizer" },
    post_processor: {
      type: "TemplateProcessing",
      single: [cls, { Sequence: { id: "A", type_id: 0 } }, { SpecialToken: { id: "[SEP]", type_id: 0 } }],
      pair: [
        cls,
        { Sequence: { id: "A", type_id: 0 } },
        { SpecialToken: { id: "[SEP]", type_id: 0 } },
        { Sequence: { id: "B", type_id: 1 } },
        { SpecialToken: { id: "[SEP]", type_id: 1 } },
      ],
      special_tokens: {
        "[CLS]": { id: "[CLS]", ids: [vocab["[CLS]"]], tokens: ["[CLS]"] },
        "[SEP]": { id: "[SEP]", ids: [vocab["[SEP]"]], tokens: ["[SEP]"] },
      },
    },
    decoder: { type: "WordPiece", prefix: "##", cleanup: true },
    model: { type: "WordPiece", unk_token: "[UNK]", continuing_subword_prefix: "##", max_input_chars_per_word: 100, vocab },
  };
}

/** A tiny byte-level BPE in RoBERTa's layout (Ġ marks a leading space). */
function robertaTokenizerJson(): object {
  const vocab: Record<string, number> = { "<s>": 0, "<pad>": 1, "</s>": 2, "<unk>": 3 };
  for (const piece of ["h", "e", "l", "o", "w", "r", "d", "Ġ", "he", "ll", "hell", "hello", "Ġw", "or", "Ġwor", "Ġworld", "!"]) {
    vocab[piece] = Object.keys(vocab).length;
  }
  return {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: ["<s>", "<pad>", "</s>", "<unk>"].map((t) => special(t, vocab[t]!)),
    normalizer: null,
    pre_tokenizer: { type: "ByteLevel", add_prefix_space: false, trim_offsets: true, use_regex: true },
    post_processor: { type: "RobertaProcessing", sep: ["</s>", 2], cls: ["<s>", 0], trim_offsets: true, add_prefix_space: false },
    decoder: { type: "ByteLevel", add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
      type: "BPE",
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: "",
      end_of_word_suffix: "",
      fuse_unk: false,
      byte_fallback: false,
      vocab,
      merges: ["h e", "l l", "he ll", "hell o", "Ġ w", "o r", "Ġw or", "Ġwor l", "Ġworl d"],
    },
  };
}

function writeDir(name: string, files: Record<string, string>): string {
  const dir = path.join(tmp, name);
  fs.mkdirSync(dir, { recursive: true });
  for (const [file, contents] of Object.entries(files)) fs.writeFileSync(path.join(dir, file), contents);
  return dir;
}

describe("HfJsonTokenizer", () => {
  it("a WordPiece tokenizer.json gives the same encodings as HF BertTokenizer on the fixture", () => {
    const dir = writeDir("bert-json", { "tokenizer.json": JSON.stringify(bertTokenizerJson()), "tokenizer_config.json": "{}" });
    const tokenizer = loadTokenizer(dir);
    expect(tokenizer).toBeInstanceOf(HfJsonTokenizer);
    reference.texts.forEach(([text, pair], i) => {
      const encoding = tokenizer.encode(text, pair, { padTo: reference.input_ids[i]!.length });
      expect(encoding.tokens.slice(0, reference.tokens[i]!.length)).toEqual(reference.tokens[i]);
      expect(encoding.ids).toEqual(reference.input_ids[i]);
      expect(encoding.tokenTypeIds).toEqual(reference.token_type_ids[i]);
    });
  });

  it("a RoBERTa byte-level BPE: <s> a </s></s> b </s>, token types 0 for type_vocab_size 1, pad id 1, truncation", () => {
    const dir = writeDir("roberta", {
      "tokenizer.json": JSON.stringify(robertaTokenizerJson()),
      "tokenizer_config.json": JSON.stringify({ pad_token: "<pad>" }),
      "config.json": JSON.stringify({ model_type: "roberta", type_vocab_size: 1 }),
    });
    const tokenizer = loadTokenizer(dir);
    expect(tokenizer.padId).toBe(1);
    const encoding = tokenizer.encode("hello world!", "hello", { padTo: 10 });
    expect(encoding.tokens).toEqual(["<s>", "hello", "Ġworld", "!", "</s>", "</s>", "hello", "</s>", "<pad>", "<pad>"]);
    expect(encoding.ids).toEqual([0, 15, 19, 20, 2, 2, 15, 2, 1, 1]);
    expect(encoding.tokenTypeIds).toEqual(new Array(10).fill(0));
    expect(encoding.attentionMask).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 0, 0]);
    const cut = tokenizer.encode("hello world!", "hello", { maxLength: 6 }); // 4 specials leave 2: one each
    expect(cut.tokens).toEqual(["<s>", "hello", "</s>", "</s>", "hello", "</s>"]);
  });

  it("round-trips through files() and rejects a broken tokenizer.json in one line", () => {
    const original = new HfJsonTokenizer(JSON.stringify(robertaTokenizerJson()), "{}");
    const dir = writeDir("roundtrip", original.files());
    expect(HfJsonTokenizer.fromDir(dir).encode("hello").tokens).toEqual(["<s>", "hello", "</s>"]);
    const broken = writeDir("broken", { "tokenizer.json": "{ not json" });
    expect(() => loadTokenizer(broken)).toThrow(/broken\/tokenizer\.json: not valid JSON .*; restore the file/);
  });
});

describe("loadTokenizer and encodeBatch", () => {
  it("picks WordPiece for a vocab.txt directory and fails in one line without tokenizer files", () => {
    expect(loadTokenizer(fixtureDir).kind).toBe("wordpiece");
    const empty = writeDir("empty", {});
    expect(() => loadTokenizer(empty)).toThrow(`${empty}: no tokenizer.json or vocab.txt; save the tokenizer next to the model (save_pretrained)`);
    expect(() => loadTokenizer(path.join(tmp, "missing"))).toThrow(/missing: no such directory/);
  });

  it("encodes examples into one padded EncodedBatch", () => {
    const tokenizer = loadTokenizer(fixtureDir);
    const batch = encodeBatch(tokenizer, [{ text: reference.texts[0]![0] }, { text: reference.texts[1]![0], pair: reference.texts[1]![1] }], {
      maxLength: 64,
    });
    expect(batch.batch).toBe(2);
    expect(batch.length).toBe(reference.tokens[1]!.length); // the longer example
    const row = (a: Int32Array, b: number) => [...a.slice(b * batch.length, (b + 1) * batch.length)];
    expect(row(batch.inputIds, 0)).toEqual(reference.input_ids[0]!.slice(0, batch.length));
    expect(row(batch.inputIds, 1)).toEqual(reference.input_ids[1]!.slice(0, batch.length));
    expect(row(batch.tokenTypeIds, 1)).toEqual(reference.token_type_ids[1]!.slice(0, batch.length));
    expect(row(batch.attentionMask, 0).filter((m) => m === 1)).toHaveLength(reference.tokens[0]!.length);
    const fixed = encodeBatch(tokenizer, [{ text: "a b c d e f" }], { maxLength: 4, padTo: 6 });
    expect([...fixed.attentionMask]).toEqual([1, 1, 1, 1, 0, 0]);
  });
});
