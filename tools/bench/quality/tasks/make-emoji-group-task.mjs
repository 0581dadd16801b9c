#!/usr/bin/env node
// @ts-check
// Builds the `emoji-group` benchmark task: an emoji's CLDR name and its emojilib keywords (npm
// unicode-emoji-json + emojilib) -> its Unicode group (8 classes; Flags and Component dropped, as flags
// are named "flag: <country>" and would be trivial). Text only, the emoji character itself is not shown.
// Stratified seeded split 60/15/25 per group.
//   node tools/bench/quality/tasks/make-emoji-group-task.mjs [--seed 1] [--out tools/bench/quality/tasks/emoji-group]
import { createRequire } from "node:module";
import { parseArgs } from "node:util";
import { mulberry32, shuffle, writeTask } from "../../../seeded.mjs";

const { values: flags } = parseArgs({
  options: {
    seed: { type: "string", default: "1" },
    out: { type: "string", default: new URL("./emoji-group", import.meta.url).pathname },
  },
  strict: true,
});
const require = createRequire(import.meta.url);
/** @type {Record<string, { name: string, slug: string, group: string }>} */
const byEmoji = require("unicode-emoji-json/data-by-emoji.json");
/** @type {Record<string, string[]>} */
const keywords = require("emojilib");

const GROUPS = ["Smileys & Emotion", "People & Body", "Animals & Nature", "Food & Drink", "Travel & Places", "Activities", "Objects", "Symbols"];
const rand = mulberry32(Number(flags.seed));
const splits = { train: [], validation: [], test: [] };
for (const group of GROUPS) {
  const rows = Object.entries(byEmoji)
    .filter(([, e]) => e.group === group)
    .map(([emoji, e]) => {
      const words = (keywords[emoji] ?? []).filter((k) => k !== e.slug).map((k) => k.replace(/_/g, " "));
      return { text: words.length ? `${e.name}: ${words.join(", ")}` : e.name, label: group, source: e.slug };
    });
  shuffle(rows, rand);
  const nTest = Math.round(rows.length * 0.25);
  const nValidation = Math.round(rows.length * 0.15);
  splits.test.push(...rows.slice(0, nTest));
  splits.validation.push(...rows.slice(nTest, nTest + nValidation));
  splits.train.push(...rows.slice(nTest + nValidation));
}
for (const rows of Object.values(splits)) shuffle(rows, rand);
const counts = writeTask(flags.out, { name: "emoji-group", kind: "classification", metric: "accuracy", labels: GROUPS }, splits);
process.stdout.write(`${JSON.stringify({ seed: Number(flags.seed), counts }, null, 2)}\n`);
