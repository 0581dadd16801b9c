#!/usr/bin/env node
// @ts-check
// Dumps the exact data of an `s3pet pretrain` run (same corpus, options and seed, so the same
// vocabulary, packed training sequences and fixed held-out masking) as raw int32 files plus a JSON
// meta, for the torch reference (torch_mlm_reference.py) to train and evaluate on.
//   node tools/bench/pretrain/dump-mlm-data.mjs --out /work/pretrain-recipe-data [--corpus DIR]
//     [--vocab-size 8000] [--seq 128] [--eval-sequences 256] [--seed 0]
// The held-out sets are masked at 15% (EVAL_MASK_PROB); the training masking is drawn by the torch script per step.
// Writes <out>/train.input_ids.bin, train.token_type_ids.bin ([count, seq] row-major), per held-out set
// (validation: the npm sources' held-out documents; test: the prepared sources') <set>.input_ids.bin
// (masked), <set>.token_type_ids.bin, <set>.positions.bin (flat b*T+t), <set>.labels.bin, and meta.json.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { readPretrainingCorpus } from "@s3pet/models";
// mlmData is internal to the package (the pretrain command's own data step); the built file is the same code.
import { mlmData } from "../../../packages/models/dist/pretrain/mlm-replica.js";
import { SPECIAL_TOKENS } from "../../../packages/models/dist/pretrain/learn-word-piece-vocab.js";

const { values: a } = parseArgs({
  options: {
    out: { type: "string" },
    corpus: { type: "string" },
    "vocab-size": { type: "string", default: "8000" },
    seq: { type: "string", default: "128" },
    "eval-sequences": { type: "string", default: "256" },
    seed: { type: "string", default: "0" },
  },
});
if (!a.out) {
  console.error("dump-mlm-data: --out DIR is required (where the .bin files and meta.json go)");
  process.exit(2);
}
const o = {
  vocabSize: Number(a["vocab-size"]),
  seqLength: Number(a.seq),
  evalSequences: Number(a["eval-sequences"]),
  seed: Number(a.seed),
};
const started = performance.now();
const corpus = readPretrainingCorpus(a.corpus === undefined ? {} : { preparedDir: a.corpus });
// mlmData reads only these fields (the same call pretrainMlm makes with the run's resolved options).
const data = mlmData(/** @type {any} */ (o), corpus);
mkdirSync(a.out, { recursive: true });
const write = (/** @type {string} */ name, /** @type {Int32Array} */ array) => writeFileSync(join(a.out, name), Buffer.from(array.buffer, array.byteOffset, array.byteLength));
write("train.input_ids.bin", data.train.inputIds);
write("train.token_type_ids.bin", data.train.tokenTypeIds);
/** @type {Record<string, unknown>} */
const sets = {};
for (const [name, set] of /** @type {const} */ ([["validation", data.heldOut], ["test", data.heldOutPrepared]])) {
  if (set === null) continue;
  write(`${name}.input_ids.bin`, set.masked.inputIds);
  write(`${name}.token_type_ids.bin`, set.sequences.tokenTypeIds);
  write(`${name}.positions.bin`, set.masked.positions);
  write(`${name}.labels.bin`, set.masked.labels);
  sets[name] = { sequences: set.sequences.count, masked: set.masked.labels.length };
}
const meta = {
  options: o,
  corpus: a.corpus ?? null,
  vocabSize: data.vocab.tokens.length,
  specialTokens: SPECIAL_TOKENS,
  ids: Object.fromEntries(SPECIAL_TOKENS.map((t, i) => [t, i])),
  numSpecialTokens: SPECIAL_TOKENS.length,
  seqLength: data.train.seqLength,
  trainSequences: data.train.count,
  trainTokens: data.trainTokens,
  heldOutTokens: data.heldOutTokens,
  sets,
  frequencyBaseline: data.frequencyBaseline,
  seconds: (performance.now() - started) / 1000,
};
writeFileSync(join(a.out, "meta.json"), JSON.stringify(meta, null, 2) + "\n");
writeFileSync(join(a.out, "vocab.txt"), data.vocab.tokens.join("\n") + "\n");
console.log(JSON.stringify(meta));
