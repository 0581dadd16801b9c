// The run directory (docs/ARCHITECTURE.md "Run directory"): one per run, never overwritten silently.
// A fresh run needs a missing or empty directory; a non-empty one is an error naming it and the fix
// (`--resume`, or another `--out`), never an interactive prompt (docs/METHOD.md §9). Every file is written
// atomically (temp file, fsync, rename), so a run killed at any moment leaves whole files behind.
import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { inject, injectable } from "tsyringe";
import { EngineDepsToken } from "../di/tokens.js";
import { CheckpointError, S3petInputError } from "../errors/s3pet-error.js";
import { writeJsonAtomic } from "../io/write-file-atomic.js";
import type { EngineDeps } from "./engine-deps.js";
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
  readonly startedAt: string;
  /** When the run was resumed (ISO times). */
  readonly resumedAt: readonly string[];
}

/**
 * Checks that `outDir` can host the run and creates it; returns whether an existing run continues.
 * Throws S3petInputError with the fix for a non-empty directory without `resume`, and for `resume`
 * without a run there.
 */
export function prepareRunDir(outDir: string, resume: boolean): { resumed: boolean } {
  const exists = existsSync(outDir);
  const entries = exists ? readdirSync(outDir) : [];
  const hasRun = entries.includes(RUN_FILES.run);
  if (resume) {
    if (!hasRun) {
      throw new S3petInputError(`nothing to resume in '${outDir}' (no ${RUN_FILES.run}); drop --resume to start a new run, or point --out at an existing run`);
    }
    return { resumed: true };
  }
  if (entries.length > 0) {
    throw new S3petInputError(
      hasRun
        ? `output directory '${outDir}' already holds a run; pass --resume to continue it, or choose another --out`
        : `output directory '${outDir}' is not empty; choose another --out (an empty or new directory)`,
    );
  }
  mkdirSync(outDir, { recursive: true });
  return { resumed: false };
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
@injectable()
export class RunDir {
  readonly path: string;

  constructor(@inject(EngineDepsToken) deps: EngineDeps) {
    this.path = deps.outDir;
  }

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
