// @ts-check
// The quality benchmark's view of a sweep: every point of its grid files named as a table row (search over
// the mixed space, over LoRA only, over the paper's S3PET-M space, a random structure, a preset, full
// fine-tuning, a transferred structure, or a variant of one of them) and joined with its run's files in
// the runs directory. Rows come from the points' own flags, so a grid file holds nothing but run flags.
import { existsSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { pointArgs, readPointResults, runDirOf, stateFromRunsDir } from "@s3pet/sweep";

/** Flags that say which row a point is; every other flag is protocol (same in every point) or a variant. */
const ROW_FLAGS = ["task", "seed", "budget", "methods", "space", "structure"];

/**
 * The protocol of a grid: flags (other than the row flags) with one value in every point.
 * @param {readonly import("@s3pet/sweep").GridPoint[]} points
 * @returns {Record<string, unknown>}
 */
export function commonFlags(points) {
  if (!points.length) return {};
  const out = {};
  for (const [key, value] of Object.entries(points[0].flags)) {
    if (ROW_FLAGS.includes(key)) continue;
    if (points.every((p) => JSON.stringify(p.flags[key]) === JSON.stringify(value))) out[key] = value;
  }
  return out;
}

/**
 * The search phase's protocol: flags (other than the row flags and the protocol) that every search point
 * gives one value and no train point gives, e.g. `search-epochs` in a grid whose re-training is longer
 * than the search's default share; reported apart, not a variant row.
 * @param {readonly import("@s3pet/sweep").GridPoint[]} points
 * @param {Record<string, unknown>} protocol  commonFlags() of the grid
 * @returns {Record<string, unknown>}
 */
export function searchOnlyFlags(points, protocol) {
  const others = points.filter((p) => p.command !== "search");
  const shared = commonFlags(points.filter((p) => p.command === "search"));
  return Object.fromEntries(Object.entries(shared).filter(([key]) => !(key in protocol) && others.every((p) => !(key in p.flags))));
}

/**
 * A point's row: `s3pet` (search, every installed method), `s3pet-lora` (--methods lora), `s3pet-m`
 * (--space s3pet-m), `random`, a preset's name, `full`, or `transfer-from-<task>` (a structure searched
 * elsewhere); a flag outside the protocol makes it a variant `<row>~<flag>=<value>` (the ablation).
 * @param {import("@s3pet/sweep").GridPoint} point
 * @param {Record<string, unknown>} protocol  commonFlags() of the grid
 * @param {(structurePath: string) => string} sourceTask  the task a structure file was searched on
 * @param {Record<string, unknown>} [searchProtocol]  searchOnlyFlags() of the grid
 */
export function rowOf(point, protocol, sourceTask, searchProtocol = {}) {
  const f = point.flags;
  let row;
  if (point.command === "search") row = f.space !== undefined ? String(f.space) : f.methods === "lora" ? "s3pet-lora" : f.methods === undefined ? "s3pet" : `s3pet-${f.methods}`;
  else if (typeof f.structure === "string" && /[/\\]|\.json$/.test(f.structure)) row = `transfer-from-${sourceTask(f.structure)}`;
  else row = String(f.structure ?? "lora");
  const variant = Object.keys(f).filter((k) => !ROW_FLAGS.includes(k) && !(k in protocol) && !(k in searchProtocol)).sort();
  return variant.length ? `${row}~${variant.map((k) => `${k}=${f[k]}`).join(",")}` : row;
}

/** `s3pet~shift-gradient=none` -> { row: "s3pet", axis: "shift-gradient", value: "none" }; plain rows -> null. */
export function parseVariantRow(row) {
  const m = /^([^~]+)~([^=]+)=(.*)$/.exec(row);
  return m ? { row: m[1], axis: m[2], value: m[3] } : null;
}

/** `tasks/sotu-party` -> `sotu-party`; built-in names stay. */
export const taskLabel = (task) => basename(String(task));

/**
 * Every point of the grids with its row and, when finished, its results; in grid order.
 * @param {readonly import("@s3pet/sweep").Grid[]} grids
 * @param {string} runsDir
 */
export function collectRuns(grids, runsDir) {
  const points = grids.flatMap((g) => g.points);
  const protocol = commonFlags(points);
  const searchProtocol = searchOnlyFlags(points, protocol);
  const sourceTask = (path) => {
    const dir = path.endsWith(".json") ? join(path, "..") : path;
    const results = join(dir, "results.json");
    return existsSync(results) ? JSON.parse(readFileSync(results, "utf8")).task : basename(dir);
  };
  const seen = new Set();
  const runs = [];
  for (const point of points) {
    if (seen.has(point.id)) continue;
    seen.add(point.id);
    const results = readPointResults(runsDir, point);
    const state = results ? null : stateFromRunsDir(runsDir, point);
    const runJson = join(runDirOf(runsDir, point), "run.json");
    const run = existsSync(runJson) ? JSON.parse(readFileSync(runJson, "utf8")) : null;
    const structure = point.flags.structure;
    runs.push({
      id: point.id,
      task: taskLabel(point.flags.task ?? "spam"),
      seed: Number(point.flags.seed ?? 42),
      row: rowOf(point, protocol, sourceTask, searchProtocol),
      budget: point.command === "search" || structure === "random" ? String(point.flags.budget ?? "1%") : null,
      command: `s3pet ${pointArgs(point).join(" ")}`,
      ok: results !== null,
      // a recorded failure's one-line error; "not run (yet)" for runs waiting or cut short
      error: results ? null : state?.status === "failed" ? state.error : "not run (yet)",
      startedAt: run?.startedAt ?? null,
      config: run?.config ?? null,
      results,
    });
  }
  return { protocol, searchProtocol, runs };
}
