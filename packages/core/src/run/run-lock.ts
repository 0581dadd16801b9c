// The run-directory lock: one writer per directory (search, train, pretrain). The lock file holds the
// owner's pid, host and start time; it is created atomically (written to a temp file, then hard-linked
// to its name, which fails if the name exists), released when the writer ends or its process exits,
// and counts as stale once its process is gone on this host (kill -9, power loss). A lock held on
// another host is never broken: only a person can tell whether that process still runs.
import { closeSync, linkSync, openSync, readFileSync, renameSync, rmSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { S3petInputError } from "../errors/s3pet-error.js";
import { fsInputError } from "../io/fs-input-error.js";

export const RUN_LOCK_FILE = ".s3pet.lock";

export interface RunLockHolder {
  readonly pid: number;
  readonly host: string;
  /** ISO time the holder took the lock. */
  readonly startedAt: string;
  /** What holds it: `search`, `train`, `pretrain`. */
  readonly command: string;
}

/** none: no lock; live: its process runs (or runs on another host); stale: its process is gone. */
export type RunLockState =
  | { readonly state: "none" }
  | { readonly state: "live" | "stale"; readonly holder: RunLockHolder; readonly path: string };

export interface RunLock {
  readonly path: string;
  release(): void;
}

/** The lock of `dir` and whether its holder still runs. */
export function readRunLock(dir: string): RunLockState {
  const path = join(dir, RUN_LOCK_FILE);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { state: "none" };
    throw fsInputError(error, path, "read the run's lock");
  }
  const holder = parseHolder(text);
  // An unreadable lock cannot have been written by us (we link a complete file): treat it as stale.
  if (holder === null) return { state: "stale", holder: { pid: 0, host: "?", startedAt: "?", command: "?" }, path };
  return { state: isAlive(holder) ? "live" : "stale", holder, path };
}

/**
 * Takes the lock of `dir` (which must exist) for `command`; a stale lock is replaced. Throws an
 * S3petInputError naming the holder when another live process has it.
 */
export function acquireRunLock(dir: string, command: string): RunLock {
  const path = join(dir, RUN_LOCK_FILE);
  const holder: RunLockHolder = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString(), command };
  const text = `${JSON.stringify(holder)}\n`;
  for (let attempt = 0; attempt < 3; attempt++) {
    if (tryLink(dir, path, text)) return ownLock(path, text);
    const current = readRunLock(dir);
    if (current.state === "live") throw lockedError(dir, current.holder, path);
    if (current.state === "stale") breakStaleLock(path, current.holder);
  }
  throw new S3petInputError(`${path}: another process keeps taking this lock; wait for it to finish, or choose another output directory`);
}

/** The one-line error for a directory another process writes to. */
export function lockedError(dir: string, holder: RunLockHolder, path = join(dir, RUN_LOCK_FILE)): S3petInputError {
  const elsewhere = holder.host !== hostname();
  return new S3petInputError(
    `'${dir}' is in use by s3pet ${holder.command} (pid ${holder.pid} on ${holder.host}, since ${holder.startedAt}); ` +
      (elsewhere
        ? `wait for it to finish, or delete ${path} if that process is gone`
        : `wait for it to finish or stop it (kill -INT ${holder.pid}), or choose another output directory`),
  );
}

function tryLink(dir: string, path: string, text: string): boolean {
  const temp = join(dir, `${RUN_LOCK_FILE}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  try {
    const fd = openSync(temp, "wx", 0o644);
    try {
      writeSync(fd, text);
    } finally {
      closeSync(fd);
    }
    linkSync(temp, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw fsInputError(error, dir, "lock the output directory");
  } finally {
    rmSync(temp, { force: true });
  }
}

/**
 * Removes a stale lock without removing a fresh one a racing process just took: the stale file is
 * renamed to a name unique to us (atomic), then checked; if it turns out to be someone's live lock, it
 * is put back with link (which fails only if yet another process took the name, who then owns it).
 */
function breakStaleLock(path: string, stale: RunLockHolder): void {
  const moved = `${path}.${process.pid}.${randomBytes(4).toString("hex")}.stale`;
  try {
    renameSync(path, moved);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return; // someone else broke it
    throw fsInputError(error, path, "replace the stale lock");
  }
  try {
    const taken = parseHolder(readFileSync(moved, "utf8"));
    const same = taken !== null && taken.pid === stale.pid && taken.startedAt === stale.startedAt && taken.host === stale.host;
    if (!same && taken !== null && isAlive(taken)) {
      try {
        linkSync(moved, path);
      } catch {
        // the name was taken again in between: that process owns the directory now
      }
    }
  } finally {
    rmSync(moved, { force: true });
  }
}

function ownLock(path: string, text: string): RunLock {
  let held = true;
  const release = () => {
    if (!held) return;
    held = false;
    process.off("exit", release);
    try {
      // Remove only our own lock (a broken-and-retaken one belongs to its new holder).
      if (readFileSync(path, "utf8") === text) rmSync(path, { force: true });
    } catch {
      // already gone
    }
  };
  process.on("exit", release);
  return { path, release };
}

function parseHolder(text: string): RunLockHolder | null {
  try {
    const h = JSON.parse(text) as Partial<RunLockHolder>;
    if (typeof h.pid === "number" && typeof h.host === "string" && typeof h.startedAt === "string" && typeof h.command === "string") {
      return h as RunLockHolder;
    }
  } catch {
    // fall through
  }
  return null;
}

function isAlive(holder: RunLockHolder): boolean {
  if (holder.host !== hostname()) return true;
  if (holder.pid === process.pid) return true;
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM"; // exists, owned by another user
  }
}
