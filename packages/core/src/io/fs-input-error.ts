// Filesystem errors the user can fix (a path through a file, a read-only or full disk, no permission)
// as one-line S3petInputErrors naming the path and the fix; anything else is passed through unchanged.
import { S3petInputError } from "../errors/s3pet-error.js";

const FIXES: Readonly<Record<string, string>> = {
  ENOTDIR: "a part of this path is a file, not a directory; choose another path",
  EEXIST: "a file is in the way; choose another path",
  EISDIR: "is a directory where a file is expected; choose another path",
  EROFS: "the filesystem is read-only; choose a path on a writable disk",
  EACCES: "permission denied; choose a path you can write to, or fix its permissions",
  EPERM: "operation not permitted; choose a path you can write to, or fix its permissions",
  ENOSPC: "the disk is full; free some space (the run can then be resumed) or choose another disk",
  EDQUOT: "the disk quota is exhausted; free some space (the run can then be resumed) or choose another disk",
  ENAMETOOLONG: "the path is too long; choose a shorter one",
  ELOOP: "too many symbolic links; choose another path",
  EMFILE: "too many open files; close other programs or raise the limit (ulimit -n)",
};

/** The fixable error as S3petInputError ("`path`: cannot `action` (CODE): fix"), else `error` itself. */
export function fsInputError(error: unknown, path: string, action: string): Error {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  const fix = code === undefined ? undefined : FIXES[code];
  if (fix === undefined) return error instanceof Error ? error : new Error(String(error));
  return new S3petInputError(`${path}: cannot ${action} (${code}): ${fix}`, { cause: error });
}
