// The dashboard in a real terminal: the built CLI runs inside tmux (120x40, and 80x24; tmux-terminal.ts)
// and the pane is captured mid-run and at the end. The frame must fit the terminal with nothing printed
// above it: the pane's first line is the dashboard's header while the run goes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT, TINY_MODEL as TINY_BERT } from "./s3pet-process.js";
import { tmuxTerminal } from "./tmux-terminal.js";

const FIXTURE_RUN = join(ROOT, "packages/dashboard/test-fixtures/search-run");
const { tmux, start: startInTmux, captureAll, captureWhen, keys, startServer, killServer } = tmuxTerminal("dashboard");

let workDir: string;
beforeAll(() => {
  workDir = mkdtempSync(join(tmpdir(), "s3pet-e2e-dashboard-"));
  startServer();
});
afterAll(() => {
  killServer();
  rmSync(workDir, { recursive: true, force: true });
});

describe("dashboard in a real terminal", () => {
  it("s3pet watch replays a finished run with every panel, mid-run and at the end", async () => {
    startInTmux("replay", ["watch", FIXTURE_RUN, "--speed", "10"]);
    const mid = await captureWhen("replay", (s) => /Gates p · step \d+/.test(s) && s.includes("● searching"), 60_000);
    expect(mid.split("\n")[0]).toMatch(/^ S3PET  search-20260101-120000 ● searching/);
    expect(mid).toMatch(/search +━+.* \d+\/200 +\d+% · [\d,]+ tok\/s/);
    expect(mid).toMatch(/│ train +[▁▂▃▄▅▆▇█]+ +\d\.\d{4}/);
    expect(mid).toMatch(/│ soft Σn·p +20,000 /);
    expect(mid).toMatch(/│ lora +attn\.q +[·░▒▓█•]+/);
    expect(mid).toContain("Top candidates of 40");
    expect(mid).toContain(" q  detach");

    const end = await captureWhen("replay", (s) => s.includes("[exit "), 60_000);
    expect(end).toContain("[exit 0]");
    expect(end.split("\n")[0]).toMatch(/^ S3PET  search-20260101-120000 ● done/); // the whole frame is on screen
    expect(end).toContain("✔ search 28s ─ ✔ discretize 1s ─ ✔ retrain 14s ─ ✔ test 600ms");
    expect(end).toContain("Result · 7 modules, 19,984 / 20,000 params");
    expect(end).toContain("Gates p · step 200");
    expect(end).toMatch(/re-trained +0\.9367 +0\.9283/);
    expect(end).toMatch(/│ +45s run done in 45s · test 0\.9283/); // the log pane's last line
  });

  it("s3pet search shows the live dashboard, and s3pet watch on its run directory shows the same panels", async () => {
    const out = join(workDir, "runs", "tiny");
    // A tiny search on the tiny-bert fixture: long enough to be caught mid-run, short on 2 cores.
    startInTmux("search", ["search", "--model", TINY_BERT, "--max-examples", "512", "--epochs", "2", "--max-length", "32", "--budget", "2000", "--out", out]);
    const mid = await captureWhen("search", (s) => s.includes("● searching") && /Gates p · step \d+/.test(s), 180_000);
    // Needs the engine to yield to the event loop between steps: timers, keys and signals run there.
    expect(mid, "the dashboard never showed the search running: does the engine's step loop yield (setImmediate) between steps?").toMatch(
      / S3PET  tiny ● searching/,
    );
    // Nothing above the frame (run start, task notes, evaluations go to its log pane), and it fits.
    expect(mid.split("\n")[0]).toMatch(/^ S3PET  tiny ● searching/);
    expect(mid).toMatch(/╭─ Log ─+╮\n│ +\d+m?s search tiny started: 70 candidates/);
    expect(mid).toContain("Gates p · step"); // all 7 methods, one heatmap row each: the rows do not fit 40 lines
    expect(mid).toContain("max per method");
    expect(mid).toMatch(/search +[━╸─]+ \d+\/\d+ +\d+%/);
    expect(mid).toMatch(/│ soft Σn·p +2,000 /);
    expect(mid).toMatch(/Top candidates of \d+/);
    expect(mid).toContain(" q  stop the run (checkpoint first)");

    // Attach from another process while the search runs (or replay it if it already ended).
    startInTmux("attach", ["watch", out]);

    const end = await captureWhen("search", (s) => s.includes("[exit "), 300_000);
    expect(end).toContain("[exit 0]");
    expect(end).toMatch(/scores \(accuracy\) +validation +test/); // the CLI's summary after the dashboard
    const watched = await captureWhen("attach", (s) => s.includes("[exit "), 60_000);
    expect(watched).toContain("[exit 0]");
    expect(watched.split("\n")[0]).toMatch(/^ S3PET  tiny ● done/);

    // The two processes end on the same screen: the dashboard's last frame, header to key hints (the
    // search's pane has scrolled on with its summary table, so read its scrollback).
    const lastDashboard = (screen: string) => {
      const lines = screen.split("\n");
      const top = lines.findLastIndex((l) => l.startsWith(" S3PET "));
      const bottom = lines.findIndex((l, i) => i > top && l.startsWith(" q "));
      return lines.slice(top, bottom + 1).join("\n");
    };
    const searchDashboard = lastDashboard(tmux("capture-pane", "-p", "-t", "search", "-S", "-300"));
    expect(searchDashboard).toMatch(/Result · \d+ modules, [\d,]+ \/ 2,000 params/);
    expect(searchDashboard).toMatch(/re-trained +\d\.\d{4} +\d\.\d{4}/);
    expect(lastDashboard(tmux("capture-pane", "-p", "-t", "attach", "-S", "-300"))).toBe(searchDashboard);
    expect(existsSync(join(out, "events.jsonl"))).toBe(true);
    expect(readFileSync(join(out, "events.jsonl"), "utf8")).toContain('"type":"run-end"');
  });

  it("fits an 80x24 terminal: one panel at a time with tab, the log inside the frame, a summary that does not wrap", async () => {
    const out = join(workDir, "runs", "small");
    startInTmux("small", ["search", "--model", TINY_BERT, "--max-examples", "256", "--epochs", "2", "--max-length", "32", "--budget", "2000", "--out", out], 80, 24);
    const mid = await captureWhen("small", (s) => s.includes("● searching") && s.includes("[overview]"), 180_000);
    expect(mid.split("\n")[0]).toMatch(/^ S3PET  small ● searching/);
    expect(mid).toContain("╭─ Log");
    expect(mid).toContain("tab  next panel: [overview] gates top");
    keys("small", "Tab");
    const gates = await captureWhen("small", (s) => s.includes("[gates]") || s.includes("[exit "), 60_000);
    expect(gates).toMatch(/Gates p( · step \d+ · max per method)?/);
    expect(gates.split("\n")[0]).toMatch(/^ S3PET  small /);

    const end = await captureWhen("small", (s) => s.includes("[exit "), 300_000);
    expect(end).toContain("[exit 0]");
    expect(end).toMatch(/scores \(accuracy\) +validation +test/);
    expect(end).toMatch(/re-trained +\d\.\d{4} +\d\.\d{4}/);
    // The summary's structure table, its lines joined where the terminal wrapped them: none is wider than 80.
    const all = captureAll("small");
    const table = all.slice(all.findLastIndex((l) => /^structure +\d+ modules/.test(l)));
    const rows = table.slice(0, table.indexOf(""));
    expect(rows.length).toBeGreaterThan(3);
    for (const row of rows) expect(row.length, row).toBeLessThanOrEqual(80);
  });
});
