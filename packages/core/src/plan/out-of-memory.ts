// A wasm abort or an allocation failure that still happens (the memory plan is an estimate) becomes
// one line that says what happened and what to change, instead of emscripten's raw `Aborted()`.
import { S3petInputError } from "../errors/s3pet-error.js";

/** The backend ran out of memory during the run. */
export class OutOfMemoryError extends S3petInputError {
  override readonly name = "OutOfMemoryError";
}

// A failed allocation inside the wasm module either aborts or, when the null pointer is written to,
// traps with "memory access out of bounds".
const OUT_OF_MEMORY = /^Aborted\(|out of memory|Array buffer allocation failed|Cannot enlarge memory|memory access out of bounds/i;

/** `error` as an OutOfMemoryError when it is one (a wasm abort is one: tfjs aborts only on a failed allocation), else itself. */
export function asOutOfMemory(error: unknown): unknown {
  if (!(error instanceof Error) || error instanceof S3petInputError || !OUT_OF_MEMORY.test(error.message)) return error;
  return new OutOfMemoryError(
    `the backend ran out of memory (${error.message.split(".")[0]}: the wasm heap holds at most 4 GiB per worker); ` +
      `use a smaller --micro-batch-size or --max-length, fewer candidates (--methods, --include/--exclude), or the tensorflow backend`,
    { cause: error },
  );
}
