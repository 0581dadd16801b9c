// The quality benchmark's pure parts: the committed grids' rows, reading a runs directory, aggregation over
// seeds, the markdown tables, and that the committed benchmark tasks are exactly what their builders produce.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readGridFile } from "@s3pet/sweep";
import { describe, expect, it } from "vitest";
import { seedStats } from "@s3pet/sweep";
import { aggregateQuality } from "./aggregate-quality.mjs";
import { collectRuns, commonFlags, parseVariantRow, rowOf, searchOnlyFlags } from "./grid-runs.mjs";
import { pairedComparison } from "./paired-comparison.mjs";
import { renderAblationMarkdown } from "./render-ablation-markdown.mjs";
import { renderPairedMarkdown } from "./render-paired-markdown.mjs";
import { renderQualityMarkdown } from "./render-quality-markdown.mjs";

const run = (task, row, budget, seed, test, params, ok = true) => ({
  id: `${task}/${row}/${budget}/seed${seed}`, task, row, budget, seed, ok, error: ok ? null : "exit 2: boom",
  results: ok ? { backboneParams: 1000, chosenParams: params, retrained: { test }, supernet: row.split("~")[0] === "s3pet" ? { test: test - 0.1 } : null, majorityBaseline: { test: 0.5 }, seconds: 10 } : null,
});

const HERE = new URL(".", import.meta.url).pathname;

describe("the committed grids", () => {
  it("quality.grid.json: 3 tasks x 3 seeds x (4 searched or random rows x 3 budgets + 4 presets + full), spam first", () => {
    const { points } = readGridFile("quality.grid.json", HERE);
    const protocol = commonFlags(points);
    expect(protocol).toEqual({ "max-examples": 512, epochs: 3, "max-length": 32, "batch-size": 16, workers: 1 });
    const rows = points.map((p) => rowOf(p, protocol, () => "spam"));
    expect(points).toHaveLength(153);
    const count = (row) => rows.filter((r) => r === row).length;
    for (const row of ["s3pet", "s3pet-m", "s3pet-lora", "random"]) expect(count(row), row).toBe(27);
    for (const row of ["lora", "adapter", "bitfit", "prefix", "full"]) expect(count(row), row).toBe(9);
    expect(points.slice(0, 51).every((p) => p.flags.task === "spam")).toBe(true);
  });

  it("quality-retrain.grid.json: the learnable tasks at 10 re-training epochs, the search as long as quality.grid.json's", () => {
    const { points } = readGridFile("quality-retrain.grid.json", HERE);
    const protocol = commonFlags(points);
    expect(protocol).toEqual({ "max-examples": 512, epochs: 10, "max-length": 32, "batch-size": 16, workers: 1 });
    const searchProtocol = searchOnlyFlags(points, protocol);
    // 2 x --epochs of quality.grid.json: the same search, so the same structures, re-trained longer
    expect(searchProtocol).toEqual({ "search-epochs": 6 });
    const rows = points.map((p) => rowOf(p, protocol, () => "spam", searchProtocol));
    expect(points).toHaveLength(102);
    const count = (row) => rows.filter((r) => r === row).length;
    for (const row of ["s3pet", "s3pet-m", "s3pet-lora", "random"]) expect(count(row), row).toBe(18);
    for (const row of ["lora", "adapter", "bitfit", "prefix", "full"]) expect(count(row), row).toBe(6);
    expect(new Set(points.map((p) => String(p.flags.task)))).toEqual(new Set(["spam", "tasks/emoji-group"]));
    // without the search protocol the search rows would be variants
    expect(rowOf(points[0], protocol, () => "spam")).toBe("s3pet~search-epochs=6");
  });

  it("mixed-vs-lora.grid.json: the default space and LoRA-only at 0.015% on both learnable tasks, fresh seeds 4-12", () => {
    const { points } = readGridFile("mixed-vs-lora.grid.json", HERE);
    const retrain = readGridFile("quality-retrain.grid.json", HERE).points;
    const protocol = commonFlags(points);
    // the 10-epoch grid's search protocol exactly, so its seeds 1-3 are the same experiment
    expect(protocol).toEqual({ ...commonFlags(retrain), ...searchOnlyFlags(retrain, commonFlags(retrain)) });
    const rows = points.map((p) => `${p.flags.task}|${rowOf(p, protocol, () => "spam")}`);
    expect(points).toHaveLength(36);
    for (const row of ["spam|s3pet", "spam|s3pet-lora", "tasks/emoji-group|s3pet", "tasks/emoji-group|s3pet-lora"]) expect(rows.filter((r) => r === row), row).toHaveLength(9);
    expect(new Set(points.map((p) => p.flags.seed))).toEqual(new Set([4, 5, 6, 7, 8, 9, 10, 11, 12]));
    expect(new Set(points.map((p) => p.flags.budget))).toEqual(new Set(["0.015%"]));
  });

  it("retrain-length.grid.json: the same search at 0.1% with every CLI default, re-trained for the default 2 epochs and for 6", () => {
    const { points } = readGridFile("retrain-length.grid.json", HERE);
    const protocol = commonFlags(points);
    expect(protocol).toEqual({ "search-epochs": 4 }); // the default (2 x --epochs 2), pinned so both rows search alike
    expect(points.map((p) => `${rowOf(p, protocol, () => "spam")}@${p.flags.seed}`)).toEqual([
      "s3pet@1", "s3pet@2", "s3pet@3", "s3pet~retrain-epochs=6@1", "s3pet~retrain-epochs=6@2", "s3pet~retrain-epochs=6@3",
    ]);
    expect(new Set(points.map((p) => p.flags.budget))).toEqual(new Set(["0.1%"]));
  });

  it("ablation-spam.grid.json: the defaults, one variant row per value of each axis, and reference rows", () => {
    const { points } = readGridFile("ablation-spam.grid.json", HERE);
    const rows = [...new Set(points.map((p) => rowOf(p, commonFlags(points), () => "spam")))];
    expect(rows).toEqual([
      "s3pet", "s3pet-lora", "s3pet-m", "lora",
      "s3pet~shift-gradient=detach-sum", "s3pet~shift-gradient=none", "s3pet~eval-every=4", "s3pet~eval-every=8",
      "s3pet~method-lrs=off", "s3pet~alpha-lr=0.03", "s3pet~alpha-lr=0.3", "s3pet~temperature=0.5", "s3pet~temperature=2",
      "s3pet~search-epochs=1", "s3pet~search-epochs=6",
      "s3pet-adapter,bitfit,lnfit,lora,low-rank-adapter,prefix", "s3pet-adapter,bitfit,ia3,lnfit,lora,low-rank-adapter", "s3pet~lora.rank=1",
    ]);
    expect(points).toHaveLength(54);
    expect(parseVariantRow("s3pet-lora~alpha-lr=0.03")).toEqual({ row: "s3pet-lora", axis: "alpha-lr", value: "0.03" });
    expect(parseVariantRow("s3pet")).toBeNull();
  });
});

describe("a runs directory", () => {
  it("joins every point with its results, its recorded failure, or nothing yet; a structure path is a transfer row", () => {
    const dir = mkdtempSync(join(tmpdir(), "s3pet-quality-"));
    writeFileSync(join(dir, "grid.json"), JSON.stringify([
      { command: "search", task: "spam", budget: "0.1%", seed: [1, 2, 3], epochs: 1 },
      { command: "train", task: "tasks/other", structure: join(dir, "runs", "source"), seed: 1, epochs: 1 },
    ]));
    const grid = readGridFile("grid.json", dir);
    const [done, failed] = grid.points;
    const runs = join(dir, "runs");
    mkdirSync(join(runs, done.id), { recursive: true });
    mkdirSync(join(runs, "source"), { recursive: true });
    writeFileSync(join(runs, done.id, "results.json"), JSON.stringify({ task: "spam", retrained: { test: 0.8 }, seconds: 3 }));
    writeFileSync(join(runs, done.id, "run.json"), JSON.stringify({ startedAt: "2026-12-03T00:00:00.000Z", config: { shiftGradient: "implicit" } }));
    writeFileSync(join(runs, `${failed.id}.failed.json`), JSON.stringify({ id: failed.id, error: "s3pet search: --budget bad" }));
    writeFileSync(join(runs, "source", "results.json"), JSON.stringify({ task: "spam" }));
    const { protocol, runs: out } = collectRuns([grid], runs);
    expect(protocol).toEqual({ epochs: 1 });
    expect(out.map((r) => [r.row, r.task, r.seed, r.budget, r.ok, r.error])).toEqual([
      ["s3pet", "spam", 1, "0.1%", true, null],
      ["s3pet", "spam", 2, "0.1%", false, "s3pet search: --budget bad"],
      ["s3pet", "spam", 3, "0.1%", false, "not run (yet)"],
      ["transfer-from-spam", "other", 1, null, false, "not run (yet)"],
    ]);
    expect(out[0]).toMatchObject({ startedAt: "2026-12-03T00:00:00.000Z", config: { shiftGradient: "implicit" }, results: { retrained: { test: 0.8 } } });
    expect(out[0].command).toBe("s3pet search --task spam --budget 0.1% --epochs 1 --seed 1");
  });
});

describe("quality aggregation and table", () => {
  const runs = [
    run("a", "s3pet", "1%", 1, 0.9, 10), run("a", "s3pet", "1%", 2, 0.8, 8),
    run("a", "random", "1%", 1, 0.6, 9), run("a", "random", "1%", 2, 0.62, 10),
    run("b", "s3pet", "1%", 1, 0.7, 10), run("b", "s3pet", "1%", 2, 0.7, 10, false),
    run("b", "random", "1%", 1, 0.7, 10), run("b", "random", "1%", 2, 0.7, 10),
    run("a", "full", null, 1, 0.95, 1000), run("b", "full", null, 1, 0.75, 1000),
    { ...run("a", "full", null, 2, 0, 0, false), error: "not run (yet)" },
  ];

  it("takes mean and sample std over the seeds that finished and counts failures apart", () => {
    expect(seedStats([0.9, 0.8])).toEqual({ mean: 0.8500000000000001, std: 0.07071067811865474, values: [0.9, 0.8] });
    const { cells, majority, backboneParams } = aggregateQuality(runs);
    expect(backboneParams).toBe(1000);
    expect(majority).toEqual({ a: 0.5, b: 0.5 });
    const b = cells.find((c) => c.row === "s3pet" && c.task === "b");
    expect(b).toMatchObject({ n: 1, failed: 1, params: 10, test: { mean: 0.7, std: 0 } });
  });

  it("renders rows x tasks with the average, parameters, win/tie/loss and the failures", () => {
    const report = {
      command: "node tools/bench/quality/quality.mjs --seeds 1,2", date: "2026-11-26T00:00:00.000Z", seconds: 120,
      machine: { cores: 2, cpu: "cpu", memoryGiB: 24, node: "20", load1AtEnd: 1 },
      protocol: { flags: ["--epochs", "1"], tasks: ["a", "b"], budgets: ["1%"], seeds: [1, 2], jobs: 2, loraRank: { "1%": 8 }, transferBudget: "1%" },
      summary: aggregateQuality(runs), runs,
    };
    const md = renderQualityMarkdown(report);
    expect(md).toContain("| S3PET, mixed space (1 failed) | 1% | 10 (0.95%) | 0.850 ± 0.071 | 0.700 ± 0.000 (n=1) | 0.775 |");
    expect(md).toContain("| full fine-tuning | – | 1,000 (100%) | 0.950 ± 0.000 (n=1) | 0.750 ± 0.000 (n=1) | 0.850 |");
    expect(md).toContain("against random structures 1 wins, 0 ties, 0 losses"); // task b: s3pet has 1 seed, no std
    expect(md).toContain("- Every run used `--epochs 1`; everything else at the CLI's defaults.");
    expect(md).toContain("Failed runs (1): b/s3pet/1%/seed2 (exit 2: boom)");
    expect(md).toContain("**Not run (time ran out): 1 of 11 runs** (seed 2)");
    expect(md).toContain("- Command: `node tools/bench/quality/quality.mjs --seeds 1,2`"); // an old report renders as it was
    expect(md).not.toContain("Search runs also used");
    const longerSearch = renderQualityMarkdown({ ...report, protocol: { ...report.protocol, searchFlags: ["--search-epochs", "12"] } });
    expect(longerSearch).toContain("- Search runs also used `--search-epochs 12` (the search phase only; their re-training runs `--epochs` like the train runs).");
  });

  it("compares S3PET-M with LoRA-only search and the small-budget searches with the best preset", () => {
    const cells = [
      run("a", "s3pet-m", "0.1%", 1, 0.9, 10), run("a", "s3pet-m", "0.1%", 2, 0.88, 10),
      run("a", "s3pet-lora", "0.1%", 1, 0.8, 10), run("a", "s3pet-lora", "0.1%", 2, 0.82, 10),
      run("a", "lora", null, 1, 0.85, 100), run("a", "lora", null, 2, 0.87, 100),
      run("a", "bitfit", null, 1, 0.6, 50), run("a", "bitfit", null, 2, 0.6, 50),
    ];
    const md = renderQualityMarkdown({
      command: "node tools/bench/quality/quality.mjs g.json --runs-dir r", sweep: ["s3pet sweep g.json --runs-dir r"], date: "2026-12-03T00:00:00.000Z", seconds: 60,
      machine: { cores: 2, cpu: "cpu", memoryGiB: 24, node: "20", load1AtEnd: 1 },
      protocol: { flags: [], tasks: ["a"], budgets: ["0.1%"], seeds: [1, 2], jobs: 2 },
      summary: aggregateQuality(cells), runs: cells,
    });
    expect(md).toContain("| S3PET, S3PET-M space (--space s3pet-m) | 0.1% | 10 (1.0%) | 0.890 ± 0.014 | 0.890 |");
    expect(md).toContain("S3PET, S3PET-M space (--space s3pet-m) over the 1 budgets x 1 tasks (cells with at least 2 seeds), where a tie is a difference within the larger std: against random structures 0 wins, 0 ties, 0 losses; against LoRA-only search 1 wins, 0 ties, 0 losses.");
    expect(md).toContain("- `a`: best preset LoRA r=8 on query/value (preset), 0.860 ± 0.014 with 100 params; S3PET, S3PET-M space (--space s3pet-m) at 0.1% (10 params) beats it; S3PET, LoRA only at 0.1% (10 params) loses to it");
    expect(md).toContain("- Every run at the CLI's defaults.");
  });
});

describe("paired comparison", () => {
  const pair = (task, seed, a, b) => [run(task, "s3pet", "0.015%", seed, a, 256), run(task, "s3pet-lora", "0.015%", seed, b, 256)];

  it("pairs the rows by seed and tests the mean difference one-sided (t with 2 df has a closed-form tail)", () => {
    const runs = [...pair("spam", 1, 0.836, 0.832), ...pair("spam", 2, 0.818, 0.818), ...pair("spam", 3, 0.836, 0.783),
      run("spam", "s3pet", "0.015%", 4, 0.9, 256)]; // seed 4 has no LoRA-only partner: left out
    const [cell] = pairedComparison(runs, { rowA: "s3pet", rowB: "s3pet-lora", alpha: 0.025 });
    expect(cell.seeds).toEqual([1, 2, 3]);
    expect(cell.differences.map((d) => +d.toFixed(3))).toEqual([0.004, 0, 0.053]);
    expect(cell.mean).toBeCloseTo(0.019, 6);
    const t = cell.mean / (cell.sd / Math.sqrt(3));
    expect(cell.t).toBeCloseTo(t, 9);
    expect(cell.df).toBe(2);
    // P(T > t) for Student's t with 2 degrees of freedom: 1/2 - t / (2 sqrt(2 + t^2))
    expect(cell.p).toBeCloseTo(0.5 - t / (2 * Math.sqrt(2 + t * t)), 9);
    expect(cell.above).toBe(false);
  });

  it("calls a steady lead above, a lead of one lucky seed not, and no spread no evidence", () => {
    const steady = [1, 2, 3, 4, 5, 6].flatMap((s) => pair("a", s, 0.8 + 0.01 * s + 0.02 + 0.003 * (s % 2), 0.8 + 0.01 * s));
    const lucky = [1, 2, 3, 4, 5, 6].flatMap((s) => pair("b", s, s === 1 ? 0.95 : 0.8, s === 1 ? 0.8 : 0.81));
    const same = [1, 2, 3].flatMap((s) => pair("c", s, 0.7, 0.7));
    const cells = pairedComparison([...steady, ...lucky, ...same], { rowA: "s3pet", rowB: "s3pet-lora", alpha: 0.025 });
    expect(cells.map((c) => [c.task, c.above])).toEqual([["a", true], ["b", false], ["c", false]]);
    expect(cells[0].p).toBeLessThan(0.001);
    expect(cells[1].mean).toBeGreaterThan(0); // ahead on average, yet one seed is not evidence
    expect(cells[2]).toMatchObject({ mean: 0, sd: 0, t: null, p: null, above: false });
    // two seeds with the very same lead: no spread, so no test, however large the lead
    const [equal] = pairedComparison([1, 2].flatMap((s) => pair("d", s, 0.85, 0.82)), { rowA: "s3pet", rowB: "s3pet-lora", alpha: 0.025 });
    expect(equal).toMatchObject({ sd: 0, t: null, p: null, above: false });
    expect(equal.mean).toBeCloseTo(0.03, 9);
  });

  it("renders each cell's seeds, differences and verdict at the level fixed beforehand", () => {
    const runs = [...pair("spam", 4, 0.85, 0.82), ...pair("spam", 5, 0.84, 0.84), ...pair("spam", 6, 0.8, 0.81)];
    const md = renderPairedMarkdown({
      command: "node tools/bench/quality/quality.mjs g.json --runs-dir r --paired s3pet,s3pet-lora --alpha 0.025", sweep: ["s3pet sweep g.json --runs-dir r"],
      date: "2026-12-05T00:00:00.000Z", seconds: 600, machine: { cores: 2, cpu: "cpu", memoryGiB: 24, node: "20", load1AtEnd: 2 },
      protocol: { flags: ["--epochs", "10"], tasks: ["spam"], budgets: ["0.015%"], seeds: [4, 5, 6], jobs: 2 },
      summary: aggregateQuality(runs), paired: { rowA: "s3pet", rowB: "s3pet-lora", alpha: 0.025, cells: pairedComparison(runs, { rowA: "s3pet", rowB: "s3pet-lora", alpha: 0.025 }) }, runs,
    });
    expect(md).toContain("## Quality, paired by seed: `s3pet` against `s3pet-lora`\n");
    expect(md).toMatch(/\| spam \| 0\.015% \| 4, 5, 6 \| 0\.830 ± 0\.026 \| 0\.823 ± 0\.015 \| \+0\.030 \+0\.000 −0\.010 \| \+0\.007 \| 0\.55 \(2\) \| 0\.317 \| no \|/);
    expect(md).toContain("`s3pet` is above `s3pet-lora` in 0 of the 1 cell that could be tested.");
    expect(md).toContain("- Every run used `--epochs 10`; everything else at the CLI's defaults.");
    const untestable = [...runs, ...pair("emoji", 4, 0.5, 0.4), ...pair("emoji", 5, 0.6, 0.5)];
    const report2 = (rs) => ({
      command: "c", date: "2026-12-05T00:00:00.000Z", seconds: 60, machine: { cores: 2, cpu: "cpu", memoryGiB: 24, node: "20", load1AtEnd: 2 },
      protocol: { flags: [], tasks: ["spam", "emoji"], budgets: ["0.015%"], seeds: [4, 5, 6], jobs: 2 }, summary: aggregateQuality(rs), runs: rs,
    });
    const md2 = renderPairedMarkdown({ ...report2(untestable), paired: { rowA: "s3pet", rowB: "s3pet-lora", alpha: 0.025, cells: pairedComparison(untestable, { rowA: "s3pet", rowB: "s3pet-lora", alpha: 0.025 }) } });
    expect(md2).toContain("| +0.100 | – | – (every pair differs equally) | no |");
    const variant = renderPairedMarkdown({ ...report2(untestable), paired: { rowA: "s3pet~retrain-epochs=6", rowB: "s3pet", alpha: 0.05, cells: [] } });
    expect(variant).toContain("Re-trained test accuracy of `s3pet~retrain-epochs=6` (S3PET, mixed space, --retrain-epochs 6) and `s3pet` (S3PET, mixed space) on the same seeds.");
    expect(md2).toContain("`s3pet` is above `s3pet-lora` in 0 of the 1 cell that could be tested; 1 could not be.");
  });
});

describe("search ablation", () => {
  it("renders the defaults, each variant with its win/tie/loss against them, and the reference rows", () => {
    const runs = [
      run("a", "s3pet", "0.1%", 1, 0.7, 10), run("a", "s3pet", "0.1%", 2, 0.72, 10),
      run("a", "s3pet~shift-gradient=detach-sum", "0.1%", 1, 0.9, 10), run("a", "s3pet~shift-gradient=detach-sum", "0.1%", 2, 0.8, 10),
      run("a", "s3pet~shift-gradient=none", "0.1%", 1, 0.8, 10), run("a", "s3pet~shift-gradient=none", "0.1%", 2, 0.6, 10),
      run("a", "s3pet-lora", "0.1%", 1, 0.8, 10), run("a", "lora", null, 1, 0.85, 100), run("a", "s3pet-bitfit,lora", "0.1%", 1, 0.75, 10),
    ];
    runs[0].results.structure = [{ method: "lora", params: 4 }, { method: "bitfit", params: 6 }];
    runs[1].results.structure = [{ method: "lora", params: 6 }, { method: "bitfit", params: 4 }];
    const report = {
      command: "node tools/bench/quality/quality.mjs ablation.grid.json --runs-dir r", sweep: ["s3pet sweep ablation.grid.json --runs-dir r"],
      date: "2026-12-03T00:00:00.000Z", seconds: 600,
      machine: { cores: 2, cpu: "cpu", memoryGiB: 24, node: "20", load1AtEnd: 2, load: { mean: 3.25, max: 6, samples: 10 } },
      protocol: { flags: ["--epochs", "1"], tasks: ["a"], budgets: ["0.1%"], seeds: [1, 2], jobs: 2 },
      defaults: { "shift-gradient": "implicit" }, summary: aggregateQuality(runs), runs,
    };
    const md = renderAblationMarkdown(report);
    expect(md).toContain("- Runs: `s3pet sweep ablation.grid.json --runs-dir r --workers 2`");
    expect(md).toContain("- Date: 2026-12-03T00:00:00.000Z; 10 min wall time for 9 runs, up to 2 at a time");
    expect(md).toContain("load average (1 min) while it ran: mean 3.3, max 6.0 (10 samples)");
    expect(md).toContain("| setting | value | a 0.1% | params (LoRA) | s per run | vs defaults |");
    expect(md).toContain("| defaults | shift-gradient implicit | 0.710 ± 0.014 (0.610) | 10 (50%) | 10 | – |");
    expect(md).toContain("| shift-gradient | detach-sum | 0.850 ± 0.071 (0.750) | 10 (0%) | 10 | win |");
    expect(md).toContain("| shift-gradient | none | 0.700 ± 0.141 (0.600) | 10 (0%) | 10 | tie |");
    expect(md).toContain("| reference | search, LoRA only | 0.800 ± 0.000 (n=1) | 10 (0%) | 10 | – |");
    expect(md).toContain("| reference | lora (preset) | 0.850 ± 0.000 (n=1) | 100 (0%) | 10 | – |");
    expect(md).toContain("| reference | search, --methods bitfit,lora | 0.750 ± 0.000 (n=1) | 10 (0%) | 10 | – |");
  });
});

describe("benchmark tasks", () => {
  for (const [task, script] of [["sotu-party", "make-sotu-party-task.mjs"], ["emoji-group", "make-emoji-group-task.mjs"]]) {
    it(`${task}: the committed files are what its builder writes`, () => {
      const out = mkdtempSync(join(tmpdir(), `s3pet-${task}-`));
      const r = spawnSync(process.execPath, [new URL(`./tasks/${script}`, import.meta.url).pathname, "--out", out], { encoding: "utf8" });
      expect(r.status, r.stderr).toBe(0);
      for (const file of ["train.jsonl", "validation.jsonl", "test.jsonl", "task.json"]) {
        expect(readFileSync(join(out, file), "utf8") === readFileSync(new URL(`./tasks/${task}/${file}`, import.meta.url), "utf8"), file).toBe(true);
      }
    });
  }
});
