// `s3pet sweep` and `s3pet worker` refuse bad input in one line (exit 2) before anything is written.
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
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

  it.each([
    [["sweep", "nope.json"], "s3pet sweep: grid file 'nope.json' does not exist"],
    [["sweep", "out.json"], `s3pet sweep: out.json: "out" is set by the sweep for every run; remove it from the grid`],
    [["sweep", "broken.yaml"], "s3pet sweep: grid file 'broken.yaml' does not parse"],
    [["sweep", "grid.json", "--queue", "localhost:6379"], "s3pet sweep: --queue 'localhost:6379' is not a queue URL"],
    [["sweep", "grid.json", "--workers", "0"], "s3pet sweep: --workers must be an integer >= 1, got '0'"],
    [["sweep", "rerun", "grid.json"], "s3pet sweep: unknown action 'rerun'"],
    [["worker", "--queue", "redis://127.0.0.1:1/q"], "s3pet worker: pass --queue redis://host:port/name and --runs-dir <dir>"],
    [["sweep", "status", "grid.json", "--ui", "json"], "s3pet sweep: --ui must be one of tui, plain, got 'json'"],
    [["sweep", "grid.json", "--ui", "plain"], "s3pet sweep: --ui is for s3pet sweep status"],
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
    expect(readdirSync(dir).sort()).toEqual(["broken.yaml", "grid.json", "out.json"]);
  });
});
