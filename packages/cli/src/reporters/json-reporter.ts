// reportJson: the events themselves, one JSON per line (`--ui json`): the same lines as events.jsonl,
// for scripts that follow a run from its stdout.
import type { Observable, Subscription } from "rxjs";
import type { S3petEvent } from "@s3pet/core";

export function reportJson(events$: Observable<S3petEvent>, write: (line: string) => void): Subscription {
  return events$.subscribe((event) => write(JSON.stringify(event)));
}
