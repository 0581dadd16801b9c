// @ts-check
// The seeded PRNG (mulberry32) and helpers the plain-node data scripts share (task builders, test fixtures),
// so every generated file is reproducible byte for byte from its seed.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fisher-Yates in place with `rand`. */
export function shuffle(items, rand) {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

/** Writes `<dir>/<split>.jsonl` for each split and `task.json`; returns per-split label counts. */
export function writeTask(dir, manifest, splits) {
  mkdirSync(dir, { recursive: true });
  const counts = {};
  for (const [split, rows] of Object.entries(splits)) {
    writeFileSync(join(dir, `${split}.jsonl`), rows.map((r) => JSON.stringify(r)).join("\n") + "\n");
    counts[split] = Object.fromEntries(manifest.labels.map((l) => [l, rows.filter((r) => r.label === l).length]));
  }
  writeFileSync(join(dir, "task.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  return counts;
}
