// Runs the built `s3pet` CLI (packages/cli/dist/bin.js) as a real child process, as a user would.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const ROOT = new URL("../../", import.meta.url).pathname;
export const BIN = join(ROOT, "packages/cli/dist/bin.js");
/** The tiny BERT fixture (2 layers, hidden 32): fast enough for end-to-end runs in tests. */
export const TINY_MODEL = join(ROOT, "packages/models/test-fixtures/tiny-bert-hf");
/** The tiny T5 1.0 fixture (2 + 2 blocks, d_model 32) with its tiny Unigram tokenizer. */
export const TINY_T5_MODEL = join(ROOT, "packages/models/test-fixtures/tiny-t5-hf");
/** Settings of a run that takes seconds: few examples, one epoch, short sequences. */
export const TINY_SETTINGS = ["--max-examples", "48", "--epochs", "1", "--max-length", "32", "--batch-size", "8"];
/** TINY_SETTINGS on the tiny model. */
export const TINY_RUN = ["--model", TINY_MODEL, ...TINY_SETTINGS, "--budget", "1%"];

export interface Finished {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function tempDir(label: string): string {
  return mkdtempSync(join(tmpdir(), `s3pet-e2e-${label}-`));
}

/** Starts `s3pet <args>`; `lines` collects stdout, `waitFor` resolves on the first stdout line matching. */
export function startS3pet(args: readonly string[], options: { cwd?: string } = {}) {
  const child: ChildProcess = spawn(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? ROOT,
    env: { ...process.env, CI: undefined, FORCE_COLOR: "0" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  const waiters: { pattern: RegExp; resolve: (line: string) => void; reject: (e: Error) => void }[] = [];
  child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
    for (const w of [...waiters]) {
      const line = stdout.split("\n").find((l) => w.pattern.test(l));
      if (line !== undefined) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(line);
      }
    }
  });
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const finished = new Promise<Finished>((resolve) =>
    child.on("close", (code, signal) => {
      // A line that never came: fail the wait now instead of hanging the test.
      for (const w of waiters.splice(0)) w.reject(new Error(`s3pet exited (${code ?? signal}) before printing a line matching ${w.pattern}\n${stdout}\n${stderr}`));
      resolve({ code, signal, stdout, stderr });
    }),
  );
  return {
    child,
    finished,
    waitFor: (pattern: RegExp) => new Promise<string>((resolve, reject) => waiters.push({ pattern, resolve, reject })),
  };
}

export function runS3pet(args: readonly string[], options: { cwd?: string } = {}): Promise<Finished> {
  return startS3pet(args, options).finished;
}
