// `s3pet sweep` and `s3pet worker` refuse bad input in one line (exit 2) before anything is written.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readGridFile, runDirOf } from "@s3pet/sweep";
import { afterAll, describe, expect, it } from "vitest";
import type { CommandIo } from "../cli/command.js";
import { runCli } from "../cli/run-cli.js";
import { COMMANDS } from "./index.js";

const dir = mkdtempSync(join(tmpdir(), "s3pet-cli-sweep-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(argv: string[], isTTY = false) {
  let stdout = "";
  let stderr = "";
  const io: CommandIo = { stdout: { write: (s: string) => (stdout += s), isTTY }, stderr: { write: (s: string) => (stderr += s) }, env: {}, cwd: dir };
  return { code: await runCli(argv, io, COMMANDS), stdout, stderr };
}

describe("s3pet sweep", () => {
  writeFileSync(join(dir, "grid.json"), JSON.stringify({ command: "train", seed: [1, 2] }));
  writeFileSync(join(dir, "out.json"), JSON.stringify({ seed: [1, 2], out: "x" }));
  writeFileSync(join(dir, "broken.yaml"), "seed: [1, 2\n");
  writeFileSync(join(dir, "notes.txt"), "not a directory\n");
  writeFileSync(join(dir, "typo.json"), JSON.stringify({ seed: [1, 2], "max-exampels": 64 }));

  it.each([
    [["sweep", "nope.json"], "s3pet sweep: grid file 'nope.json' does not exist"],
    [["sweep", "out.json"], `s3pet sweep: out.json: "out" is set by the sweep for every run; remove it from the grid`],
    [["sweep", "broken.yaml"], "s3pet sweep: grid file 'broken.yaml' does not parse"],
    [["sweep", "grid.json", "--queue", "localhost:6379"], "s3pet sweep: --queue 'localhost:6379' is not a queue URL"],
    [["sweep", "grid.json", "--workers", "0"], "s3pet sweep: --workers must be an integer >= 1, got '0'"],
    [["sweep", "rerun", "grid.json"], "s3pet sweep: unknown action 'rerun'"],
    // Nothing listens on port 1: one line at once, not a wait without end.
    [["sweep", "grid.json", "--queue", "redis://127.0.0.1:1/q"], "s3pet sweep: --queue redis://127.0.0.1:1/q: no Redis answers there (connect ECONNREFUSED 127.0.0.1:1); start redis-server on 127.0.0.1:1 or fix the URL"],
    [["sweep", "status", "grid.json", "--queue", "redis://127.0.0.1:1/q", "--ui", "plain"], "s3pet sweep: --queue redis://127.0.0.1:1/q: no Redis answers there"],
    [["worker", "--queue", "redis://127.0.0.1:1/q", "--runs-dir", "runs"], "s3pet worker: --queue redis://127.0.0.1:1/q: no Redis answers there"],
    // Every run's flags are checked before the first starts (here it would run, with 2 workers).
    [["sweep", "typo.json", "--workers", "2"], "s3pet sweep: typo.json: run search-"],
    [["worker", "--queue", "redis://127.0.0.1:1/q"], "s3pet worker: pass --queue redis://host:port/name and --runs-dir <dir>"],
    [["sweep", "status", "grid.json", "--ui", "json"], "s3pet sweep: --ui must be one of tui, plain, got 'json'"],
    [["sweep", "grid.json", "--ui", "plain"], "s3pet sweep: --ui is for s3pet sweep status"],
    [["sweep", "status", "grid.json", "--figures", "figs"], "s3pet sweep: --figures is for s3pet sweep report"],
    [["sweep", "report", "grid.json", "--figures", "notes.txt"], "s3pet sweep: --figures notes.txt: is a file; pass a directory for the figures"],
    // On a terminal: the dashboard follows the queue's events, so it needs one.
    [["sweep", "status", "grid.json", "--ui", "tui"], "s3pet sweep: the sweep dashboard follows a queue: add --queue redis://host:port/name, or use --ui plain", true],
  ] as [string[], string, boolean?][])("%j: exit 2, one line", async (argv, message, isTTY) => {
    const r = await run(argv, isTTY);
    expect(r.code).toBe(2);
    expect(r.stderr.startsWith(message)).toBe(true);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
  });

  it("prints the table on a terminal without a queue to follow", async () => {
    const r = await run(["sweep", "status", "grid.json", "--runs-dir", "none"], true);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("2 runs: 0 done, 0 running, 2 waiting, 0 failed");
  });

  it("writes nothing for bad input", () => {
    expect(existsSync(join(dir, "runs"))).toBe(false);
    expect(readdirSync(dir).sort()).toEqual(["broken.yaml", "grid.json", "notes.txt", "out.json", "typo.json"]);
  });
});

describe("s3pet sweep report --figures", () => {
  it("writes each task's accuracy-against-budget figure: a line per row over the budgets", async () => {
    const grid = join(dir, "budgets.json");
    writeFileSync(grid, JSON.stringify({ task: ["a", "tasks/b"], methods: ["lora", "bitfit"], budget: ["0.1%", "1%"], seed: [1, 2] }));
    const runsDir = join(dir, "budget-runs");
    for (const p of readGridFile(grid, dir).points) {
      const test = (p.axes["methods"] === "lora" ? 0.8 : 0.7) + (p.axes["budget"] === "1%" ? 0.05 : 0) + Number(p.axes["seed"]) / 100;
      mkdirSync(runDirOf(runsDir, p), { recursive: true });
      const results = { metric: "accuracy", retrained: { validation: test, test }, chosenParams: p.axes["budget"] === "1%" ? 1000 : 100, majorityBaseline: { test: 0.55 } };
      writeFileSync(join(runDirOf(runsDir, p), "results.json"), JSON.stringify(results));
    }
    const r = await run(["sweep", "report", "budgets.json", "--runs-dir", "budget-runs", "--figures", "figs"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("| a | lora | 1% | 2 | 0.865 ± 0.007 | 1,000 |");
    expect(readdirSync(join(dir, "figs")).sort()).toEqual(["budgets-a.svg", "budgets-b.svg"]);
    expect(r.stderr.trim().split("\n")).toEqual([`wrote ${join(dir, "figs", "budgets-a.svg")}`, `wrote ${join(dir, "figs", "budgets-b.svg")}`]);
    const svg = readFileSync(join(dir, "figs", "budgets-b.svg"), "utf8");
    expect(svg).toContain("b: test accuracy against trained parameters");
    const legend = [...svg.matchAll(/role-legend-label[\s\S]*?<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
    expect(legend).toEqual(["methods lora", "methods bitfit"]);
    // one line per row, each through its two budgets
    expect(svg.match(/class="mark-line role-mark/g)).toHaveLength(2);
    const symbols = svg.slice(svg.indexOf('class="mark-symbol role-mark'));
    expect(symbols.slice(0, symbols.indexOf("</g>")).match(/<path/g)).toHaveLength(4);
  });
});
