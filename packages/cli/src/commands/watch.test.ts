import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { acquireRunLock } from "@s3pet/core";
import { runCli } from "../cli/run-cli.js";
import { watch } from "./watch.js";
import { FIXTURE_RUN_DIR } from "@s3pet/dashboard/testing";

const FIXTURE_DIR = FIXTURE_RUN_DIR;
const FIXTURE_LINES = readFileSync(join(FIXTURE_DIR, "events.jsonl"), "utf8").split("\n").filter((l) => l !== "");

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "s3pet-watch-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function s3pet(...argv: string[]) {
  let stdout = "";
  let stderr = "";
  const io = { stdout: { write: (c: string) => (stdout += c), isTTY: false }, stderr: { write: (c: string) => (stderr += c) }, env: {}, cwd: dir };
  const code = await runCli(argv, io, [watch]);
  return { code, stdout, stderr };
}

describe("s3pet watch", () => {
  it("replays a finished run as plain lines when stdout is not a terminal", async () => {
    const { code, stdout, stderr } = await s3pet("watch", FIXTURE_DIR, "--no-follow");
    expect(stderr).toBe("");
    expect(code).toBe(0);
    const lines = stdout.split("\n").filter((l) => l !== "");
    expect(lines[0]).toBe("    0ms  search search-20260101-120000 started: 40 candidates (lora, adapter, bitfit, prefix), budget 20,000 params");
    expect(lines.at(-1)).toBe("    45s  run done in 45s · test 0.9283");
  });

  it("replays paced by --speed and prints the events with --ui json", async () => {
    const { code, stdout } = await s3pet("watch", join(FIXTURE_DIR, "events.jsonl"), "--speed", "100000", "--ui", "json");
    expect(code).toBe(0);
    expect(stdout.trim().split("\n")).toEqual(FIXTURE_LINES.map((l) => JSON.stringify(JSON.parse(l))));
  });

  it("follows a run that another process is still writing, until run-end", async () => {
    const run = join(dir, "runs", "live");
    mkdirSync(run, { recursive: true });
    const path = join(run, "events.jsonl");
    writeFileSync(path, FIXTURE_LINES.slice(0, 10).join("\n") + "\n");
    const writer = acquireRunLock(run, "search"); // the writer holds the run's lock while it runs
    try {
      const watching = s3pet("watch", "runs/live", "--ui", "json");
      await new Promise((r) => setTimeout(r, 300));
      appendFileSync(path, FIXTURE_LINES.slice(10).join("\n") + "\n");
      const { code, stdout, stderr } = await watching;
      expect(code).toBe(0);
      expect(stderr).toMatch(/^live: s3pet search \(pid \d+ on .+\) is writing .*runs\/live\n$/);
      expect(stdout.trim().split("\n")).toHaveLength(FIXTURE_LINES.length);
    } finally {
      writer.release();
    }
  });

  it("shows a run whose writer is gone up to where it stopped, instead of waiting forever", async () => {
    const run = join(dir, "runs", "killed");
    mkdirSync(run, { recursive: true });
    const steps = FIXTURE_LINES.filter((l) => JSON.parse(l).type !== "run-end");
    writeFileSync(join(run, "events.jsonl"), steps.join("\n") + "\n");
    const last = steps.map((l) => JSON.parse(l)).filter((e) => e.type === "step").at(-1);
    const { code, stdout, stderr } = await s3pet("watch", "runs/killed", "--ui", "json");
    expect(code).toBe(0);
    expect(stdout.trim().split("\n")).toHaveLength(steps.length);
    expect(stderr).toBe(`stopped at ${last.phase} step ${last.step}/${last.totalSteps}: no process is writing ${run} (killed?); continue it with --out ${run} --resume\n`);
  });

  it("rejects a missing run directory, a missing events file and a bad speed in one line, exit 2", async () => {
    const missing = await s3pet("watch", "runs/nope");
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(`s3pet watch: run directory '${join(dir, "runs/nope")}' does not exist (pass a directory made by s3pet search or train, e.g. runs/search-…)\n`);
    const empty = await s3pet("watch", ".");
    expect(empty.code).toBe(2);
    expect(empty.stderr).toBe(`s3pet watch: '${dir}' is not a run directory (no run.json or events.jsonl); pass a directory made by s3pet search or train, e.g. runs/search-…\n`);
    writeFileSync(join(dir, "run.json"), "{}");
    const notStarted = await s3pet("watch", ".", "--no-follow");
    expect(notStarted.code).toBe(2);
    expect(notStarted.stderr).toBe(`s3pet watch: '${join(dir, "events.jsonl")}' does not exist yet (the run has not started: drop --no-follow to wait for it)\n`);
    const speed = await s3pet("watch", FIXTURE_DIR, "--speed", "fast");
    expect(speed.stderr).toBe("s3pet watch: --speed must be a positive number, got 'fast' (e.g. --speed 20)\n");
    const ui = await s3pet("watch", FIXTURE_DIR, "--ui", "fancy");
    expect(ui.stderr).toBe("s3pet watch: --ui must be one of tui, plain, json, got 'fancy'\n");
  });
});
