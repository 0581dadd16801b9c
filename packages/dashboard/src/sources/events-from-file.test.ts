import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { firstValueFrom, lastValueFrom, toArray } from "rxjs";
import type { S3petEvent } from "@s3pet/core/events";
import { FIXTURE_EVENTS_PATH, fixtureEvents } from "../testing/fixture-events.js";
import { eventsFromFile } from "./events-from-file.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "s3pet-events-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const line = (e: S3petEvent) => `${JSON.stringify(e)}\n`;

describe("eventsFromFile", () => {
  it("replays a finished run's events.jsonl and completes at run-end", async () => {
    const events = await lastValueFrom(eventsFromFile(FIXTURE_EVENTS_PATH, { follow: true }).pipe(toArray()));
    expect(events).toEqual(fixtureEvents());
  });

  it("paces a replay by event times but never pauses longer than maxPauseMs", async () => {
    // The fixture spans 45 s; at speed 1 with 1 ms pauses the replay is short, in order and complete.
    const events = await lastValueFrom(eventsFromFile(FIXTURE_EVENTS_PATH, { speed: 1, maxPauseMs: 1 }).pipe(toArray()));
    expect(events).toEqual(fixtureEvents());
  });

  it("follows lines appended later, including a last line written in two parts", async () => {
    const path = join(dir, "events.jsonl");
    const [runStart, log, phase] = fixtureEvents();
    writeFileSync(path, line(runStart!));
    const seen: S3petEvent[] = [];
    let completed = false;
    eventsFromFile(path, { pollMs: 20 }).subscribe({ next: (e) => seen.push(e), complete: () => (completed = true) });
    await waitFor(() => seen.length === 1);
    const text = line(log!) + line(phase!);
    const cut = text.length - 25;
    appendFileSync(path, text.slice(0, cut)); // a writer mid-line: the partial line must wait
    await waitFor(() => seen.length === 2);
    await new Promise((r) => setTimeout(r, 80));
    expect(seen.map((e) => e.type)).toEqual(["run-start", "log"]);
    appendFileSync(path, text.slice(cut));
    await waitFor(() => seen.length === 3);
    expect(seen[2]).toEqual(phase);
    appendFileSync(path, line({ type: "run-end", time: phase!.time + 1, status: "done", elapsedMs: 1 }));
    await waitFor(() => completed);
    expect(seen.map((e) => e.type)).toEqual(["run-start", "log", "phase", "run-end"]);
  });

  it("when following, completes with what was written once the writer is gone (a killed run)", async () => {
    const path = join(dir, "events.jsonl");
    const [runStart, log, phase] = fixtureEvents();
    writeFileSync(path, line(runStart!) + line(log!));
    let gone = false;
    const seen: S3petEvent[] = [];
    let completed = false;
    eventsFromFile(path, { pollMs: 20, writerGone: () => gone }).subscribe({ next: (e) => seen.push(e), complete: () => (completed = true) });
    await waitFor(() => seen.length === 2);
    await new Promise((r) => setTimeout(r, 100));
    expect(completed).toBe(false); // the writer is alive: keep waiting for run-end
    appendFileSync(path, line(phase!)); // its last line, written just before it died
    gone = true;
    await waitFor(() => completed);
    expect(seen).toEqual([runStart, log, phase]);
  });

  it("waits for a file that does not exist yet when following", async () => {
    const path = join(dir, "late.jsonl");
    const first = firstValueFrom(eventsFromFile(path, { pollMs: 10 }));
    await new Promise((r) => setTimeout(r, 40));
    writeFileSync(path, line(fixtureEvents()[0]!));
    expect((await first).type).toBe("run-start");
  });

  it("turns a bad line into a non-fatal error event naming the file and line, and goes on", async () => {
    const path = join(dir, "events.jsonl");
    const [runStart, log] = fixtureEvents();
    writeFileSync(path, line(runStart!) + "{not json\n" + '{"type":"log"}\n' + line(log!));
    const events = await lastValueFrom(eventsFromFile(path, { follow: false }).pipe(toArray()));
    expect(events.map((e) => e.type)).toEqual(["run-start", "error", "error", "log"]);
    expect(events[1]).toMatchObject({ fatal: false, time: runStart!.time });
    expect((events[1] as { message: string }).message).toMatch(new RegExp(`^${path} line 2: not valid JSON`));
    expect((events[2] as { message: string }).message).toBe(`${path} line 3: not an event (needs a string \`type\` and a number \`time\`)`);
  });

  it("without follow, stops at the end of the file, reading a last line that has no newline", async () => {
    const path = join(dir, "events.jsonl");
    const [runStart, log] = fixtureEvents();
    writeFileSync(path, line(runStart!) + JSON.stringify(log));
    const events = await lastValueFrom(eventsFromFile(path, { follow: false }).pipe(toArray()));
    expect(events).toEqual([runStart, log]);
  });

  it("fails for a missing file without follow", async () => {
    await expect(lastValueFrom(eventsFromFile(join(dir, "missing.jsonl"), { follow: false }))).rejects.toThrow(/ENOENT/);
  });

  it("stops emitting when unsubscribed mid-replay", async () => {
    const seen: S3petEvent[] = [];
    const sub = eventsFromFile(FIXTURE_EVENTS_PATH, { speed: 1, maxPauseMs: 5 }).subscribe((e) => {
      seen.push(e);
      if (seen.length === 3) sub.unsubscribe();
    });
    await new Promise((r) => setTimeout(r, 100));
    expect(seen).toHaveLength(3);
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!condition()) throw new Error("condition not reached");
}
