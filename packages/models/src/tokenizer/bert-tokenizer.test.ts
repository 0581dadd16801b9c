import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { bertTokenizer, readBertTokenizer } from "./bert-tokenizer.js";
import { TINY_BERT_DIR, readTokenizerReference } from "../testing/index.js";

const fixtureDir = TINY_BERT_DIR;
const reference = readTokenizerReference();

describe("bertTokenizer (vocab.txt through @huggingface/tokenizers)", () => {
  const tokenizer = readBertTokenizer(fixtureDir);

  it("matches HF BertTokenizer on the fixture texts (tokens, ids, token types, padded mask)", () => {
    reference.texts.forEach(([text, pair], i) => {
      const length = reference.input_ids[i]!.length;
      const encoding = tokenizer.encode(text, pair, { padTo: length });
      expect(encoding.tokens.slice(0, reference.tokens[i]!.length)).toEqual(reference.tokens[i]);
      expect(encoding.ids).toEqual(reference.input_ids[i]);
      expect(encoding.tokenTypeIds).toEqual(reference.token_type_ids[i]);
      expect(encoding.attentionMask).toEqual(reference.attention_mask[i]);
    });
  });

  const vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "un", "##aff", "##able", "a", "b", "c", "!", "##b", "é", "中", "文", "x"];
  const small = bertTokenizer(vocab);

  it("splits words greedily longest-match-first; a word it cannot cover, or too long, is one [UNK]", () => {
    expect(small.tokenize("unaffable")).toEqual(["un", "##aff", "##able"]);
    expect(small.tokenize("abb")).toEqual(["a", "##b", "##b"]);
    expect(small.tokenize("bc unaffablex")).toEqual(["[UNK]", "[UNK]"]); // no "##c", no "##x"
    expect(small.tokenize(`${"x".repeat(100)} ${"x".repeat(101)}`)).toEqual(["[UNK]", "[UNK]"]); // "x##x.." not in vocab either way
    const xs = bertTokenizer([...vocab, "##x"]);
    expect(xs.tokenize("x".repeat(100))).toHaveLength(100);
    expect(xs.tokenize("x".repeat(101))).toEqual(["[UNK]"]);
  });

  it("basic tokenisation: lower-case + accent stripping, punctuation, CJK, control characters, specials in text", () => {
    expect(small.tokenize("UN\u0000AFF\u200bABLE!")).toEqual(["un", "##aff", "##able", "!"]); // NUL and ZWSP (Cf) dropped
    expect(small.tokenize("A\tb\u00a0\nC")).toEqual(["a", "b", "c"]);
    expect(small.tokenize("ÁB")).toEqual(["a", "##b"]); // Á -> a + combining acute (dropped)
    expect(small.tokenize("a!!b")).toEqual(["a", "!", "!", "b"]);
    expect(small.tokenize("中文a")).toEqual(["中", "文", "a"]);
    expect(small.tokenize("a [MASK] b[SEP]")).toEqual(["a", "[MASK]", "b", "[SEP]"]);
    const cased = bertTokenizer(vocab, { doLowerCase: false });
    expect(cased.tokenize("é A")).toEqual(["é", "[UNK]"]);
    const stripped = bertTokenizer(vocab, { doLowerCase: false, stripAccents: true });
    expect(stripped.tokenize("á")).toEqual(["a"]);
  });

  it("encodes pairs with token types, truncates longest-first keeping the special tokens, pads with id 0", () => {
    const pair = small.encode("a b c a", "b b", { maxLength: 8 });
    expect(pair.tokens).toEqual(["[CLS]", "a", "b", "c", "[SEP]", "b", "b", "[SEP]"]);
    expect(pair.tokenTypeIds).toEqual([0, 0, 0, 0, 0, 1, 1, 1]);
    const even = small.encode("a a a", "b b b", { maxLength: 6 }); // ties cut the pair first: 2 + 1
    expect(even.tokens).toEqual(["[CLS]", "a", "a", "[SEP]", "b", "[SEP]"]);
    const single = small.encode("a b c a b c", null, { maxLength: 4, padTo: 6 });
    expect(single.tokens).toEqual(["[CLS]", "a", "b", "[SEP]", "[PAD]", "[PAD]"]);
    expect(single.ids).toEqual([2, 8, 9, 3, 0, 0]);
    expect(single.attentionMask).toEqual([1, 1, 1, 1, 0, 0]);
    expect(() => small.encode("a", "b", { maxLength: 4 })).toThrow(/maxLength 4 leaves no room for text beside 3 special tokens; use --max-length >= 5/);
  });

  it("round-trips through its files, and reports a vocabulary without its special tokens", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "wordpiece-"));
    for (const [name, contents] of Object.entries(bertTokenizer(vocab, { doLowerCase: false }).files())) {
      fs.writeFileSync(path.join(dir, name), contents);
    }
    const back = readBertTokenizer(dir);
    expect(back.files()["vocab.txt"]).toBe(vocab.join("\n") + "\n");
    expect(JSON.parse(back.files()["tokenizer_config.json"]!)).toMatchObject({ do_lower_case: false });
    expect(back.encode("A b").tokens).toEqual(["[CLS]", "[UNK]", "b", "[SEP]"]); // cased: "A" is not in the vocabulary
    expect(() => bertTokenizer(["[PAD]", "a"], {}, "my/vocab.txt")).toThrow(
      "my/vocab.txt: special token [UNK] is not in the vocabulary; add it to vocab.txt",
    );
    expect(() => readBertTokenizer(path.join(dir, "nope"))).toThrow(/vocab.txt: missing/);
    fs.rmSync(dir, { recursive: true });
  });
});
