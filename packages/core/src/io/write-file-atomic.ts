// Atomic file writes: a reader (or a resumed run after a crash) sees the old file or the new one,
// never a torn one. Write a temp file in the same directory, fsync it, rename it over the target,
// then fsync the directory so the rename itself survives a power loss (docs/ARCHITECTURE.md "Run directory").
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { randomBytes } from "node:crypto";
import { fsInputError } from "./fs-input-error.js";

/** File contents: text (written as UTF-8), bytes, or byte chunks written one after another. */
export type FileData = string | Uint8Array | readonly Uint8Array[];

/**
 * Writes `data` to `path` atomically, creating the parent directory if needed. A fixable filesystem
 * error (full disk, read-only, no permission, a file in the way) is an S3petInputError naming `path`.
 */
export function writeFileAtomic(path: string, data: FileData): void {
  try {
    writeFileAtomicRaw(path, data);
  } catch (error) {
    throw fsInputError(error, path, "write");
  }
}

function writeFileAtomicRaw(path: string, data: FileData): void {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true });
  const temp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  const chunks = typeof data === "string" ? [Buffer.from(data, "utf8")] : data instanceof Uint8Array ? [data] : data;
  try {
    const fd = openSync(temp, "wx", 0o644);
    try {
      for (const chunk of chunks) writeFully(fd, chunk);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
  fsyncDirectory(dir);
}

/** Writes `value` as pretty JSON (2-space indent, trailing newline) atomically. */
export function writeJsonAtomic(path: string, value: unknown): void {
  writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`);
}

function writeFully(fd: number, chunk: Uint8Array): void {
  for (let offset = 0; offset < chunk.length; ) offset += writeSync(fd, chunk, offset, chunk.length - offset);
}

function fsyncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, "r");
    fsyncSync(fd);
  } catch {
    // Some platforms and filesystems cannot fsync a directory; the rename is still atomic there.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
