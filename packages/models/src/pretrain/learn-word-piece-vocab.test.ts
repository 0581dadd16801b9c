import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bertTokenizer, readBertTokenizer } from "../tokenizer/bert-tokenizer.js";
import { countWords, learnWordPieceVocab, SPECIAL_TOKENS } from "./learn-word-piece-vocab.js";

const TEXT = [
  "the whale and the sea; the whale, the ship and the sailor.",
  "Sailors sail the sea. The ship sails!",
  "whales, whaling, whalers: the whaling ship",
];
const splitWords = (text: string): string[] => text.toLowerCase().match(/\p{L}+|[^\s\p{L}]/gu) ?? [];

describe("learnWordPieceVocab", () => {
  const counts = countWords(TEXT, splitWords);

  it("puts the special tokens first, then every character seen as start and ## pieces", () => {
    const vocab = learnWordPieceVocab(counts, { vocabSize: 60 });
    expect(vocab.tokens.slice(0, 5)).toEqual([...SPECIAL_TOKENS]);
    expect(vocab.tokens.indexOf("[PAD]")).toBe(0);
    for (const c of ["t", "w", "s", ";", ",", "!", ":", "."]) expect(vocab.tokens).toContain(c);
    for (const c of ["##h", "##e", "##a", "##l", "##r"]) expect(vocab.tokens).toContain(c);
    expect(vocab.tokens).not.toContain("x");
    expect(vocab.tokens).not.toContain("##t"); // 't' starts words but never occurs inside one
    expect(new Set(vocab.tokens).size).toBe(vocab.tokens.length);
  });

  it("learns whole pieces for frequent words and stops at the target size", () => {
    const vocab = learnWordPieceVocab(counts, { vocabSize: 36 });
    expect(vocab.tokens).toHaveLength(36);
    // The most frequent words become single pieces first ("the" occurs 7 times).
    expect(vocab.tokens.slice(-10)).toEqual(["th", "the", "wh", "##al", "whal", "sa", "##il", "whale", "sail", "sh"]);
    expect(vocab.merges).toBe(36 - SPECIAL_TOKENS.length - vocab.alphabetSize);
  });

  it("stops early when no pair is frequent enough", () => {
    const vocab = learnWordPieceVocab(new Map([["abc", 1]]), { vocabSize: 100 });
    expect(vocab.tokens).toEqual([...SPECIAL_TOKENS, "a", "##b", "##c"]);
    const twice = learnWordPieceVocab(new Map([["abc", 2]]), { vocabSize: 100 });
    expect(twice.tokens.slice(SPECIAL_TOKENS.length + 3)).toEqual(["ab", "abc"]);
  });

  it("is deterministic whatever the order of the counts", () => {
    const reversed = new Map([...counts.entries()].reverse());
    expect(learnWordPieceVocab(reversed, { vocabSize: 70 }).tokens).toEqual(learnWordPieceVocab(counts, { vocabSize: 70 }).tokens);
  });

  it("rejects a size that leaves no room for pieces", () => {
    expect(() => learnWordPieceVocab(counts, { vocabSize: 5 })).toThrow(/vocabSize must be an integer above 5/);
  });
});

describe("a learned vocabulary with bertTokenizer", () => {
  const text = [
    "Call me Ishmael. Some years ago—never mind how long precisely—having little or no money in my purse...",
    "The Café served naïve whalers; résumés of 1,842 voyages (and 3.5 barrels) were kept.",
    "Fellow-Citizens of the Senate and House of Representatives: the Union is strong!",
  ];
  // Words as the tokenizer's own basic tokenisation sees them: tokenising a word with a vocabulary of
  // single characters only returns its characters, so joining the pieces back gives the word.
  const words = (t: string): string[] => {
    const chars = new Set([...t.toLowerCase().normalize("NFD").replace(/\p{Mn}/gu, "")]);
    const charTokenizer = bertTokenizer([...SPECIAL_TOKENS, ...chars, ...[...chars].map((c) => `##${c}`)]);
    const out: string[] = [];
    for (const piece of charTokenizer.tokenize(t)) {
      if (piece.startsWith("##")) out[out.length - 1] += piece.slice(2);
      else out.push(piece);
    }
    return out;
  };

  it("tokenises every training word without [UNK], and small vocabularies split words into ## pieces", () => {
    for (const vocabSize of [60, 120, 400]) {
      const vocab = learnWordPieceVocab(countWords(text, words), { vocabSize });
      const tokenizer = bertTokenizer(vocab.tokens);
      const pieces = text.flatMap((t) => tokenizer.tokenize(t));
      expect(pieces).not.toContain("[UNK]");
      expect(pieces.every((p) => vocab.tokens.includes(p))).toBe(true);
      // joined back, the pieces are exactly the basic tokenizer's lower-cased, accent-stripped words
      const rejoined: string[] = [];
      for (const p of pieces) {
        if (p.startsWith("##")) rejoined[rejoined.length - 1] += p.slice(2);
        else rejoined.push(p);
      }
      expect(rejoined).toEqual(text.flatMap(words));
      expect(rejoined).toContain("cafe");
      if (vocabSize === 60) expect(pieces.some((p) => p.startsWith("##"))).toBe(true);
    }
  });

  it("round-trips through vocab.txt: the tokenizer read back gives the same ids", () => {
    const vocab = learnWordPieceVocab(countWords(text, words), { vocabSize: 150 });
    const dir = mkdtempSync(join(tmpdir(), "s3pet-vocab-"));
    try {
      const tokenizer = bertTokenizer(vocab.tokens);
      for (const [file, contents] of Object.entries(tokenizer.files())) writeFileSync(join(dir, file), contents);
      const reread = readBertTokenizer(dir);
      expect(reread.files()["vocab.txt"]).toBe(vocab.tokens.join("\n") + "\n");
      const encoded = reread.encode(text[1]!, text[2]!);
      expect(encoded).toEqual(tokenizer.encode(text[1]!, text[2]!));
      expect(encoded.ids[0]).toBe(2); // [CLS]
      expect(encoded.ids.filter((id) => id === 3)).toHaveLength(2); // [SEP] twice
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
