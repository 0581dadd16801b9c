// runDirEvents: a run directory's events as the dashboard takes them, from its events.jsonl: replayed
// (paced by `speed` when given), then, when following, read as the run writes them for as long as a
// process holds the run's lock (a run whose writer was killed is shown up to where it stopped).
// `s3pet watch` and the sweep dashboard's opened jobs read runs this one way.
import { join } from "node:path";
import type { Observable } from "rxjs";
import { readRunLock, RUN_FILES, type S3petEvent } from "@s3pet/core";
import { eventsFromFile } from "@s3pet/dashboard";

export function runDirEvents(runDir: string, options: { readonly follow: boolean; readonly speed?: number; readonly eventsPath?: string }): Observable<S3petEvent> {
  return eventsFromFile(options.eventsPath ?? join(runDir, RUN_FILES.events), {
    follow: options.follow,
    ...(options.speed === undefined ? {} : { speed: options.speed }),
    writerGone: () => readRunLock(runDir).state !== "live",
  });
}
