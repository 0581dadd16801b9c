// The fixture run's events (test-fixtures/search-run/events.jsonl, made by test-fixtures/make-search-run.mjs)
// for tests; exported from @s3pet/dashboard/testing, not from the package index.
import { readFileSync } from "node:fs";
import type { S3petEvent } from "@s3pet/core/events";

export const FIXTURE_RUN_DIR = new URL("../../test-fixtures/search-run/", import.meta.url).pathname;
export const FIXTURE_EVENTS_PATH = `${FIXTURE_RUN_DIR}events.jsonl`;

export function fixtureEvents(): S3petEvent[] {
  return readFileSync(FIXTURE_EVENTS_PATH, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as S3petEvent);
}
