// readRunReport: what `s3pet report` shows, read from a run directory's own files (run.json, events.jsonl,
// results.json, structure.json; docs/ARCHITECTURE.md "Run directory"). A run that is still being
// written is read as it stands (a snapshot): a half-written last line of events.jsonl is left out, and
// results.json is simply not there yet.
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { readRunLock, RUN_FILES, S3petInputError, type RunJson, type RunResults, type S3petEvent } from "@s3pet/core";

export interface RunReportData {
  readonly runDir: string;
  readonly runJson: RunJson | null;
  readonly events: readonly S3petEvent[];
  readonly results: RunResults | null;
  /** A process holds the run's lock: the report is a snapshot of a run still going. */
  readonly live: boolean;
}

const HINT = "pass a directory made by s3pet search or train, e.g. runs/search-…";

/** Reads the run at `runDir` (spelled `given` on the command line); throws one-line S3petInputErrors. */
export function readRunReport(runDir: string, given: string = runDir): RunReportData {
  if (!existsSync(runDir)) throw new S3petInputError(`run directory '${given}' does not exist (${HINT})`);
  if (!statSync(runDir).isDirectory()) throw new S3petInputError(`'${given}' is a file, not a run directory (${HINT})`);
  const eventsPath = join(runDir, RUN_FILES.events);
  if (!existsSync(eventsPath)) {
    const hasRun = existsSync(join(runDir, RUN_FILES.run));
    throw new S3petInputError(
      hasRun
        ? `'${given}' has no ${RUN_FILES.events} yet (the run has not started its first phase); try again in a moment`
        : `'${given}' is not a run directory (no ${RUN_FILES.run} or ${RUN_FILES.events}); ${HINT}`,
    );
  }
  const events = parseEvents(readFileSync(eventsPath, "utf8"));
  if (!events.length) throw new S3petInputError(`'${given}' has no events yet (the run is starting); try again in a moment`);
  if (events[0]?.type !== "run-start") throw new S3petInputError(`'${eventsPath}' does not start with a run-start event: not an s3pet run's events (${HINT})`);
  return {
    runDir,
    runJson: readJson<RunJson>(join(runDir, RUN_FILES.run)),
    events,
    results: readJson<RunResults>(join(runDir, RUN_FILES.results)),
    live: readRunLock(runDir).state === "live",
  };
}

/** One event per line; a line that does not parse (the one a live run is writing) is skipped. */
export function parseEvents(text: string): S3petEvent[] {
  const events: S3petEvent[] = [];
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    try {
      const event = JSON.parse(line) as S3petEvent;
      if (event && typeof event.type === "string") events.push(event);
    } catch {
      // a partial line of a run being written
    }
  }
  return events;
}

function readJson<T>(path: string): T | null {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as T;
  } catch {
    return null; // not written yet (a running run), or being replaced atomically right now
  }
}
