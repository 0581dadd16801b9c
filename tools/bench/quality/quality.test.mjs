// The quality benchmark's pure parts: aggregation over seeds, the markdown table, and that the committed
// benchmark tasks are exactly what their builders produce.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { aggregateQuality, stats } from "./aggregate-quality.mjs";
import { parseAblations, parseVariantRow } from "./ablation-axes.mjs";
import { renderAblationMarkdown } from "./render-ablation-markdown.mjs";
import { renderQualityMarkdown } from "./render-quality-markdown.mjs";

const run = (task, row, budget, seed, test, params, ok = true) => ({
  id: `${task}/${row}/${budget}/seed${seed}`, task, row, budget, seed, ok, error: ok ? null : "exit 2: boom",
  results: ok ? { backboneParams: 1000, chosenParams: params, retrained: { test }, supernet: row.split("~")[0] === "s3pet" ? { test: test - 0.1 } : null, majorityBaseline: { test: 0.5 }, seconds: 10 } : null,
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
    expect(stats([0.9, 0.8])).toEqual({ mean: 0.8500000000000001, std: 0.07071067811865474, values: [0.9, 0.8] });
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
    expect(md).toContain("**Reduced grid**: every run used `--epochs 1`");
    expect(md).toContain("Failed runs (1): b/s3pet/1%/seed2 (exit 2: boom)");
    expect(md).toContain("**Not run (time ran out): 1 of 11 runs** (seed 2)");
    expect(md).not.toContain("Search runs also used");
    const longerSearch = renderQualityMarkdown({ ...report, protocol: { ...report.protocol, searchFlags: ["--search-epochs", "12"] } });
    expect(longerSearch).toContain("- Search runs also used `--search-epochs 12` (re-training unchanged).");
  });
});

describe("search ablation", () => {
  it("turns --ablate specs into per-value CLI flags and row ids, and rejects bad ones in one line", () => {
    expect(parseAblations(["shift-gradient=implicit,detach-sum", "eval-every=epoch,20", "method-lrs=off"])).toEqual([
      { axis: "shift-gradient", value: "implicit", flags: ["--shift-gradient", "implicit"], suffix: "~shift-gradient=implicit" },
      { axis: "shift-gradient", value: "detach-sum", flags: ["--shift-gradient", "detach-sum"], suffix: "~shift-gradient=detach-sum" },
      { axis: "eval-every", value: "epoch", flags: [], suffix: "~eval-every=epoch" },
      { axis: "eval-every", value: "20", flags: ["--eval-every", "20"], suffix: "~eval-every=20" },
      { axis: "method-lrs", value: "off", flags: ["--method-lrs", "off"], suffix: "~method-lrs=off" },
    ]);
    expect(parseVariantRow("s3pet-lora~alpha-lr=0.03")).toEqual({ row: "s3pet-lora", axis: "alpha-lr", value: "0.03" });
    expect(parseVariantRow("s3pet")).toBeNull();
    expect(() => parseAblations(["order=second"])).toThrow("--ablate order=second: expected <axis>=<v1>,<v2> with axis one of");
    expect(() => parseAblations(["eval-every=0"])).toThrow("--ablate eval-every=0: must be a positive integer or 'epoch'");
    expect(() => parseAblations(["shift-gradient=exact"])).toThrow("must be one of implicit, detach-sum, none");
  });

  it("renders one table per axis with each value's score, the supernet's, and the best value marked", () => {
    const runs = [
      run("a", "s3pet~shift-gradient=implicit", "0.1%", 1, 0.7, 10), run("a", "s3pet~shift-gradient=implicit", "0.1%", 2, 0.8, 10),
      run("a", "s3pet~shift-gradient=detach-sum", "0.1%", 1, 0.9, 10), run("a", "s3pet~shift-gradient=detach-sum", "0.1%", 2, 0.8, 10),
    ];
    const report = {
      command: "node tools/bench/quality/quality.mjs --ablate shift-gradient=implicit,detach-sum", date: "2026-12-03T00:00:00.000Z", seconds: 60,
      machine: { cores: 2, cpu: "cpu", memoryGiB: 24, node: "20", load1AtStart: 3, load1AtEnd: 2 },
      protocol: { flags: ["--epochs", "1"], tasks: ["a"], budgets: ["0.1%"], seeds: [1, 2], jobs: 1 },
      ablations: [], summary: aggregateQuality(runs), runs,
    };
    const md = renderAblationMarkdown(report);
    expect(md).toContain("| shift-gradient | search | a 0.1% |");
    expect(md).toContain("| implicit | mixed space | 0.750 ± 0.071 (0.650) |");
    expect(md).toContain("| detach-sum | mixed space | 0.850 ± 0.071 (0.750) ▲ |");
    expect(md).toContain("load average at the start 3.0, at the end 2.0");
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
