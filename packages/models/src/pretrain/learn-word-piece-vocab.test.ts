import { describe, expect, it } from "vitest";
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
