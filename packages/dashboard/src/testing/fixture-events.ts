// The fixture runs' events for tests; exported from @s3pet/dashboard/testing, not from the package index. search-run/events.jsonl is
// made by test-fixtures/make-search-run.mjs (40 candidates, 10 heatmap rows); tiny-search/events.jsonl
// is recorded from a real run of the default search space on the tiny BERT (70 candidates, 31 heatmap
// rows): `s3pet search --model packages/models/test-fixtures/tiny-bert-hf --max-examples 512 --epochs 2
// --max-length 32 --budget 2000 --out runs/tiny` (the e2e dashboard test's search).
import { readFileSync } from "node:fs";
import type { S3petEvent } from "@s3pet/core/events";

export const FIXTURE_RUN_DIR = new URL("../../test-fixtures/search-run/", import.meta.url).pathname;
export const FIXTURE_EVENTS_PATH = `${FIXTURE_RUN_DIR}events.jsonl`;
export const TINY_SEARCH_EVENTS_PATH = new URL("../../test-fixtures/tiny-search/events.jsonl", import.meta.url).pathname;

export function fixtureEvents(path = FIXTURE_EVENTS_PATH): S3petEvent[] {
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as S3petEvent);
}
