// runPoint(): one grid point as an ordinary run of the real CLI, in <runs-dir>/<point id>. A finished
// run (results.json there) is not run again; a started one continues with --resume from its last
// checkpoint. The CLI runs as a child process with `--ui json`, whose events are passed on as they
// come; the child dies with the process that started it (see exit-with-parent.ts), so a worker killed
// with -9 leaves no orphan writing into a run another worker is about to resume.
import { spawn } from "node:child_process";
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { RunResults, S3petEvent } from "@s3pet/core";
import { pointArgs, type GridPoint } from "./expand-grid.js";

export interface RunPointOptions {
  /** The CLI's entry point (packages/cli/dist/bin.js). */
  readonly bin: string;
  readonly runsDir: string;
  /** Where the run starts: the grid file's directory. */
  readonly cwd: string;
  readonly onEvent?: (event: S3petEvent) => void;
}

export interface PointDone {
  readonly results: RunResults;
  /** True when results.json was there already and nothing ran. */
  readonly skipped: boolean;
}

/** A run that ended without results: its exit code and the CLI's one-line error. */
export class PointFailedError extends Error {
  constructor(
    message: string,
    readonly exitCode: number | null,
  ) {
    super(message);
    this.name = "PointFailedError";
  }
  /** Exit code 2 is bad input (a flag, a task, a file): running it again fails the same way. */
  get badInput(): boolean {
    return this.exitCode === 2 && !/\block(ed)?\b/i.test(this.message);
  }
}

export const runDirOf = (runsDir: string, point: GridPoint): string => join(runsDir, point.id);

/** results.json of a point's run, or null when it has not finished. */
export function readPointResults(runsDir: string, point: GridPoint): RunResults | null {
  const file = join(runDirOf(runsDir, point), "results.json");
  return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as RunResults) : null;
}

const EXIT_WITH_PARENT = new URL("./exit-with-parent.js", import.meta.url).href;

export async function runPoint(point: GridPoint, options: RunPointOptions): Promise<PointDone> {
  const done = readPointResults(options.runsDir, point);
  if (done) return { results: done, skipped: true };
  const runDir = runDirOf(options.runsDir, point);
  const started = existsSync(join(runDir, "run.json"));
  // Killed before its run.json: nothing to resume, and the CLI never writes into a non-empty directory.
  if (!started) rmSync(runDir, { recursive: true, force: true });
  mkdirSync(options.runsDir, { recursive: true });
  const args = [...pointArgs(point), "--out", runDir, "--ui", "json", ...(started ? ["--resume"] : [])];
  const log = `${runDir}.log`;
  appendFileSync(log, `$ s3pet ${args.join(" ")}\n`);

  const child = spawn(process.execPath, ["--import", EXIT_WITH_PARENT, options.bin, ...args], {
    cwd: options.cwd,
    env: { ...process.env, S3PET_PARENT_PID: String(process.pid), FORCE_COLOR: "0", CI: undefined },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let pending = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    const lines = (pending + chunk).split("\n");
    pending = lines.pop()!;
    for (const line of lines) {
      if (!line.startsWith("{")) continue;
      try {
        options.onEvent?.(JSON.parse(line) as S3petEvent);
      } catch {
        // a partial or foreign line: the run's own events.jsonl has every event
      }
    }
  });
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
    appendFileSync(log, chunk);
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (exitCode, signal) => resolve(exitCode ?? (signal ? 128 : null)));
  });
  const results = readPointResults(options.runsDir, point);
  if (code === 0 && results) return { results, skipped: false };
  throw new PointFailedError(errorLine(stderr) ?? `exit ${code} (see ${log})`, code);
}

/** The CLI's one-line error (`s3pet train: ...`), else the last line it printed. */
function errorLine(stderr: string): string | undefined {
  const lines = stderr.trim().split("\n").filter(Boolean);
  return [...lines].reverse().find((l) => /^s3pet\b|error/i.test(l))?.trim() ?? lines.at(-1)?.trim();
}
