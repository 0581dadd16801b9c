import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FIXTURE_RUN_DIR } from "@s3pet/dashboard/testing";
import { runCli } from "../cli/run-cli.js";
import { MAX_FRAMES } from "../report/run-report-charts.js";
import { report } from "./report.js";

const FIXTURE_LINES = readFileSync(join(FIXTURE_RUN_DIR, "events.jsonl"), "utf8").split("\n").filter((l) => l !== "");

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "s3pet-report-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function s3pet(...argv: string[]) {
  let stdout = "";
  let stderr = "";
  const io = { stdout: { write: (c: string) => (stdout += c), isTTY: false }, stderr: { write: (c: string) => (stderr += c) }, env: {}, cwd: dir };
  const code = await runCli(argv, io, [report]);
  return { code, stdout, stderr };
}

/** A run directory holding the fixture's first `lines` events (all of them: the finished run). */
function fixtureRun(name: string, lines = FIXTURE_LINES.length): string {
  const run = join(dir, name);
  mkdirSync(run);
  writeFileSync(join(run, "events.jsonl"), FIXTURE_LINES.slice(0, lines).join("\n") + "\n");
  return run;
}

const count = (html: string, pattern: RegExp) => html.match(pattern)?.length ?? 0;

describe("s3pet report", () => {
  it("writes one self-contained HTML file with every chart as inline SVG", async () => {
    fixtureRun("run");
    const { code, stdout, stderr } = await s3pet("report", "run");
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout.trim()).toBe(join(dir, "run", "report.html"));
    const html = readFileSync(join(dir, "run", "report.html"), "utf8");
    // 20 gates events: 20 heatmap frames, the last one shown; charts: search and retrain loss,
    // validation, budget, shift, structure, scores, timings
    expect(count(html, /<figure class="chart frame"/g)).toBe(20);
    expect(count(html, /<figure class="chart frame"[^>]* hidden>/g)).toBe(19);
    expect(count(html, /<svg[ >]/g)).toBe(20 + 8);
    expect(html).toMatch(/<input type="range" id="frame" min="0" max="19"/);
    expect(html).toMatch(/gate probabilities p at search step \d+ · • = the chosen structure/);
    expect(html).toContain("budget meter");
    expect(html).toContain("majority baseline");
    expect(html).toContain("done in 45s");
    // nothing to fetch: no URL, no external script, style or image
    expect(html).not.toMatch(/https?:|\/\/[a-z]|<link|<img|src=/i);
  });

  it("samples at most MAX_FRAMES heatmap frames over a long search", async () => {
    const start = JSON.parse(FIXTURE_LINES[0]!);
    const gates = JSON.parse(FIXTURE_LINES.find((l) => l.includes('"type":"gates"'))!);
    const lines = [JSON.stringify(start), ...Array.from({ length: 3 * MAX_FRAMES }, (_, i) => JSON.stringify({ ...gates, step: i + 1 }))];
    const run = join(dir, "long");
    mkdirSync(run);
    writeFileSync(join(run, "events.jsonl"), lines.join("\n") + "\n");
    expect((await s3pet("report", "long")).code).toBe(0);
    const html = readFileSync(join(run, "report.html"), "utf8");
    expect(count(html, /<figure class="chart frame"/g)).toBe(MAX_FRAMES);
    expect(html).toContain(`data-step="1"`);
    expect(html).toContain(`data-step="${3 * MAX_FRAMES}"`);
  });

  it("reports a run still being written as a snapshot, skipping its half-written last line", async () => {
    const run = fixtureRun("live", 60);
    writeFileSync(join(run, "events.jsonl"), readFileSync(join(run, "events.jsonl"), "utf8") + '{"type":"step","ti');
    const { code } = await s3pet("report", "live", "--out", "shared/live.html");
    expect(code).toBe(0);
    const html = readFileSync(join(dir, "shared", "live.html"), "utf8");
    expect(html).toMatch(/snapshot at search step \d+\/\d+/);
    expect(html).toContain("no evaluation yet");
    expect(existsSync(join(run, "report.html"))).toBe(false);
  });

  it("a fixed-structure train run: no gate or budget sections, its structure drawn from the module sites", async () => {
    const start = JSON.parse(FIXTURE_LINES[0]!);
    const t = start.time;
    const modules = [
      { site: "encoder.layer.0.attention.self.query", method: "lora", options: { rank: 8 }, params: 2048 },
      { site: "encoder.layer.1.output.dense", method: "bitfit", options: {}, params: 128 },
    ];
    const events = [
      { ...start, run: { ...start.run, command: "train", budget: null }, candidates: [] },
      { type: "phase", time: t + 10, phase: "train", totalSteps: 2 },
      { type: "step", time: t + 20, phase: "train", step: 1, totalSteps: 2, loss: 0.7, lr: 0.003, tokensPerSecond: 900 },
      { type: "step", time: t + 30, phase: "train", step: 2, totalSteps: 2, loss: 0.6, lr: 0.001, tokensPerSecond: 950 },
      { type: "eval", time: t + 40, phase: "train", step: 2, split: "validation", metric: "accuracy", score: 0.75, loss: 0.6, best: true },
      { type: "structure", time: t + 41, structure: modules, budget: 0, chosenParams: 2176 },
      { type: "run-end", time: t + 50, status: "done", elapsedMs: 50, scores: { retrained: { validation: 0.75, test: 0.7 }, majorityBaseline: { test: 0.55 } } },
    ];
    const run = join(dir, "train");
    mkdirSync(run);
    writeFileSync(join(run, "events.jsonl"), events.map((e) => JSON.stringify(e)).join("\n") + "\n");
    expect((await s3pet("report", "train")).code).toBe(0);
    const html = readFileSync(join(run, "report.html"), "utf8");
    expect(html).not.toContain("Gate probabilities");
    expect(html).not.toContain("Budget meter");
    expect(html).toContain("chosen structure: 2 modules, 2,176 parameters");
    // loss, validation, structure, scores, timings
    expect(count(html, /<svg[ >]/g)).toBe(5);
    expect(html).toMatch(/<text[^>]*>trained<\/text>/);
  });

  it.each([
    [["report", "nowhere"], /^s3pet report: run directory 'nowhere' does not exist \(pass a directory made by s3pet search or train/],
    [["report", "empty"], /^s3pet report: 'empty' is not a run directory \(no run\.json or events\.jsonl\); pass a directory made by s3pet search or train/],
    [["report", "notes.txt"], /^s3pet report: 'notes\.txt' is a file, not a run directory/],
    [["report", "run", "--out", "run"], /^s3pet report: --out run: is a directory; pass a file name for the report/],
    [["report", "run", "other"], /^s3pet report: unexpected argument 'other'/],
    [["report", "starting"], /^s3pet report: 'starting' has no events yet \(the run is starting\); try again in a moment/],
  ])("bad input %j: exit 2, one line naming it and the fix, nothing written", async (argv, message) => {
    fixtureRun("run");
    mkdirSync(join(dir, "empty"));
    writeFileSync(join(dir, "notes.txt"), "not a run\n");
    mkdirSync(join(dir, "starting"));
    writeFileSync(join(dir, "starting", "events.jsonl"), "");
    const before = readdirSync(dir, { recursive: true }).sort();
    const { code, stdout, stderr } = await s3pet(...argv);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr.split("\n").filter(Boolean)).toHaveLength(1);
    expect(stderr).toMatch(message);
    expect(readdirSync(dir, { recursive: true }).sort()).toEqual(before);
  });
});
