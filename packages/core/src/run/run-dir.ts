// The run directory (docs/ARCHITECTURE.md "Run directory"): one per run, never overwritten silently,
// written by one process at a time (run-lock.ts). A fresh run needs a missing or empty directory; a
// non-empty one is an error naming it and the fix (`--resume`, or another `--out`), never an interactive
// prompt (docs/METHOD.md §9). Every file is written atomically (temp file, fsync, rename), so a run killed
// at any moment leaves whole files behind.
import { accessSync, constants, existsSync, mkdirSync, readdirSync, readFileSync, statfsSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { CheckpointError, S3petInputError } from "../errors/s3pet-error.js";
import { fsInputError } from "../io/fs-input-error.js";
import { writeJsonAtomic } from "../io/write-file-atomic.js";
import { acquireRunLock, RUN_LOCK_FILE, type RunLock } from "./run-lock.js";
import type { ResolvedRunConfig } from "./run-config.js";
import type { RunResults, StructureFile } from "./run-results.js";

export const RUN_FILES = {
  run: "run.json",
  events: "events.jsonl",
  candidates: "candidates.json",
  structure: "structure.json",
  adapter: "adapter",
  checkpoints: "checkpoints",
  results: "results.json",
} as const;

/** run.json: the resolved configuration and where the run happened. */
export interface RunJson {
  readonly format: 1;
  readonly name: string;
  readonly command: "search" | "train";
  readonly config: ResolvedRunConfig;
  readonly backbone: string;
  readonly model: string | null;
  readonly backboneParams: number;
  readonly task: string;
  readonly metric: string;
  readonly methods: readonly string[];
  readonly backend: string;
  readonly versions: Readonly<Record<string, string>>;
  readonly seed: number;
  /** Data-parallel units and the examples each ran through the model at once (the resolved
   *  `workers` and `microBatchSize`; a resumed run records the latest). */
  readonly workers?: number;
  readonly microBatchSize?: number;
  readonly startedAt: string;
  /** When the run was resumed (ISO times). */
  readonly resumedAt: readonly string[];
}

/** Free bytes below which a fresh run is refused: it could not write even its first checkpoint. */
const MIN_FREE_BYTES = 1 << 20;

/**
 * Checks that `dir` (spelled `given` on the command line) can host a run, before anything is read,
 * allocated or written: a directory (or a path that can be created), writable, on a disk with room;
 * for a fresh run missing or empty, for `resume` holding a run. Throws one-line S3petInputErrors.
 */
export function checkOutDir(dir: string, resume: boolean, given: string = dir): void {
  if (given.trim() === "") throw new S3petInputError("--out is empty; pass a directory for the run (e.g. --out runs/my-run)");
  const entries = listDir(dir, given);
  if (resume) {
    if (entries === null) throw new S3petInputError(`--out ${given}: no run to resume there (no such directory); drop --resume to start a new run`);
    if (!entries.includes(RUN_FILES.run)) {
      throw new S3petInputError(`--out ${given}: nothing to resume (no ${RUN_FILES.run}); drop --resume to start a new run, or point --out at an existing run`);
    }
  } else if (entries !== null) {
    const own = entries.filter((e) => !e.startsWith(RUN_LOCK_FILE)); // ours, or a racing writer's
    if (own.includes(RUN_FILES.run)) {
      throw new S3petInputError(`--out ${given}: already holds a run and is never overwritten; pass --resume to continue it, or choose another --out`);
    }
    if (own.length > 0) throw new S3petInputError(`--out ${given}: is not empty and holds no run; choose a new or empty directory for --out`);
  }
  checkWritable(existingAncestor(dir), given);
}

/** The names in `dir`, or null when it does not exist; a non-directory is an error. */
function listDir(dir: string, given: string): string[] | null {
  let stat;
  try {
    stat = statSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw fsInputError(error, `--out ${given}`, "use this directory");
  }
  if (!stat.isDirectory()) throw new S3petInputError(`--out ${given}: is a file, not a directory; choose a new or empty directory for --out`);
  try {
    return readdirSync(dir);
  } catch (error) {
    throw fsInputError(error, `--out ${given}`, "list this directory");
  }
}

function existingAncestor(dir: string): string {
  let d = resolve(dir);
  while (!existsSync(d) && dirname(d) !== d) d = dirname(d);
  return d;
}

function checkWritable(dir: string, given: string): void {
  try {
    if (!statSync(dir).isDirectory()) throw Object.assign(new Error("not a directory"), { code: "ENOTDIR" });
    accessSync(dir, constants.W_OK);
  } catch (error) {
    throw fsInputError(error, `--out ${given}`, `write in ${dir}`);
  }
  const fs = statfsSync(dir);
  if (fs.bavail * fs.bsize < MIN_FREE_BYTES) {
    throw new S3petInputError(`--out ${given}: the disk holding ${dir} is full (${fs.bavail * fs.bsize} bytes free); free some space or choose another disk`);
  }
}

/**
 * Checks `outDir` again, creates it and takes its lock (one writer per run directory); returns whether
 * an existing run continues and the lock, which the caller releases when the run ends. The check is
 * repeated under the lock, since another process may have started a run there meanwhile.
 */
export function prepareRunDir(outDir: string, resume: boolean, command: string): { resumed: boolean; lock: RunLock } {
  checkOutDir(outDir, resume);
  try {
    mkdirSync(outDir, { recursive: true });
  } catch (error) {
    throw fsInputError(error, `--out ${outDir}`, "create the run directory");
  }
  const lock = acquireRunLock(outDir, command);
  try {
    checkOutDir(outDir, resume);
  } catch (error) {
    lock.release();
    throw error;
  }
  return { resumed: resume, lock };
}

export function readRunJson(outDir: string): RunJson {
  return readJson<RunJson>(join(outDir, RUN_FILES.run));
}

export function readJson<T>(path: string): T {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (cause) {
    throw new CheckpointError(`cannot read '${path}' (is this a run directory?)`, { cause });
  }
  try {
    return JSON.parse(text) as T;
  } catch (cause) {
    throw new CheckpointError(`'${path}' is not valid JSON (${(cause as Error).message}); the file is corrupt`, { cause });
  }
}

/** The files of this run's directory. */
export class RunDir {
  constructor(readonly path: string) {}

  file(name: (typeof RUN_FILES)[keyof typeof RUN_FILES]): string {
    return join(this.path, name);
  }

  writeRunJson(run: RunJson): void {
    writeJsonAtomic(this.file(RUN_FILES.run), run);
  }

  readRunJson(): RunJson {
    return readRunJson(this.path);
  }

  writeStructure(s: StructureFile): void {
    writeJsonAtomic(this.file(RUN_FILES.structure), s);
  }

  writeResults(r: RunResults): void {
    writeJsonAtomic(this.file(RUN_FILES.results), r);
  }

  readResults(): RunResults | null {
    const path = this.file(RUN_FILES.results);
    return existsSync(path) ? readJson<RunResults>(path) : null;
  }
}
