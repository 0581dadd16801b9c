// cli.json in a run directory: the command and the flag values that made the run (paths absolute), so
// `--resume` continues with the same options and `s3pet eval <run>` rebuilds the same backbone, task
// splits and tokenisation without the user repeating a flag; and the task as read: its label names in
// id order (the mapping the head's outputs use), metric, split sources and sizes.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { CheckpointError, writeJsonAtomic } from "@s3pet/core";
import type { FlagValues } from "./run-flags.js";

export const SAVED_OPTIONS_FILE = "cli.json";

export interface SavedRunOptions {
  readonly command: "search" | "train";
  readonly flags: FlagValues;
  readonly task?: SavedTask;
}

export interface SavedTask {
  readonly name: string;
  readonly kind: "classification" | "regression";
  readonly metric: string;
  /** Class names in id order (output i of the head is labels[i]); null for regression. */
  readonly labels: readonly string[] | null;
  readonly sources: Readonly<Record<string, string>>;
  readonly sizes: Readonly<Record<string, number>>;
  readonly notes: readonly string[];
}

export function writeSavedRunOptions(runDir: string, saved: SavedRunOptions): void {
  writeJsonAtomic(join(runDir, SAVED_OPTIONS_FILE), saved);
}

/** The saved options of `runDir`, or null when it has none (a run made by another tool or killed at once). */
export function readSavedRunOptions(runDir: string): SavedRunOptions | null {
  const file = join(runDir, SAVED_OPTIONS_FILE);
  if (!existsSync(file)) return null;
  try {
    const saved = JSON.parse(readFileSync(file, "utf8")) as SavedRunOptions;
    if ((saved.command !== "search" && saved.command !== "train") || typeof saved.flags !== "object" || saved.flags === null) throw new Error("unexpected shape");
    return saved;
  } catch (e) {
    throw new CheckpointError(`${file}: unreadable (${(e as Error).message.split("\n")[0]}); the run directory is damaged`, { cause: e });
  }
}
