// core:events-jsonl — appends every event of the run to events.jsonl, one JSON object per line, so a
// dashboard can follow the run from another process or replay it later (docs/ARCHITECTURE.md "Events").
// It consumes `events$` like any other client: subscribes in onRunStart (which runs before run-start is
// published) and closes the file when the stream completes. On resume it appends, first cutting a torn
// last line that a killed process may have left.
import { closeSync, existsSync, ftruncateSync, openSync, readSync, fstatSync, writeSync } from "node:fs";
import { join } from "node:path";
import { fsInputError } from "../io/fs-input-error.js";
import type { SearchHook } from "./search-hook.js";

export const EVENTS_FILE = "events.jsonl";

export function eventsJsonlHook(): SearchHook {
  return {
    name: "core:events-jsonl",
    order: "pre",
    onRunStart: (_event, ctx) => {
      const path = join(ctx.outDir, EVENTS_FILE);
      let fd: number;
      try {
        fd = openSync(path, existsSync(path) ? "r+" : "w");
      } catch (error) {
        throw fsInputError(error, path, "open the event log");
      }
      const end = cutTornLine(fd);
      let position = end;
      let broken = false;
      const subscription = ctx.events$.subscribe({
        next: (e) => {
          // A failed write (disk full) leaves whole lines only: the torn tail is cut on resume, and the
          // run itself fails at its next checkpoint write with the same cause.
          if (broken) return;
          const line = Buffer.from(`${JSON.stringify(e)}\n`, "utf8");
          try {
            for (let off = 0; off < line.length; ) off += writeSync(fd, line, off, line.length - off, position + off);
            position += line.length;
          } catch {
            broken = true;
          }
        },
        complete: () => closeSync(fd),
        error: () => closeSync(fd),
      });
      void subscription;
    },
  };
}

/** Truncates the file after its last newline; returns the new length. */
function cutTornLine(fd: number): number {
  const size = fstatSync(fd).size;
  if (size === 0) return 0;
  const chunk = Buffer.alloc(Math.min(size, 1 << 16));
  for (let end = size; end > 0; ) {
    const start = Math.max(0, end - chunk.length);
    const n = readSync(fd, chunk, 0, end - start, start);
    const i = chunk.subarray(0, n).lastIndexOf(0x0a);
    if (i >= 0) {
      const keep = start + i + 1;
      if (keep !== size) ftruncateSync(fd, keep);
      return keep;
    }
    end = start;
  }
  ftruncateSync(fd, 0);
  return 0;
}
