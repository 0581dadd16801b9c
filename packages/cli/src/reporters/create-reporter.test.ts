import { describe, expect, it } from "vitest";
import { EventEmitter } from "node:events";
import { readFileSync } from "node:fs";
import { stripVTControlCharacters } from "node:util";
import { concat, from, Subject, throwError } from "rxjs";
import type { S3petEvent } from "@s3pet/core";
import { createReporter } from "./create-reporter.js";
import { FIXTURE_EVENTS_PATH } from "@s3pet/dashboard/testing";

const FIXTURE = FIXTURE_EVENTS_PATH;
const fixtureEvents = (): S3petEvent[] =>
  readFileSync(FIXTURE, "utf8")
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l) as S3petEvent);

function sink() {
  let text = "";
  return { stdout: { write: (chunk: string) => (text += chunk) }, lines: () => text.split("\n").filter((l) => l !== "") };
}

describe("createReporter", () => {
  it("plain: prints log lines and throttled steps with elapsed time, then is done", async () => {
    const out = sink();
    const reporter = createReporter("plain", from(fixtureEvents()), { stdout: out.stdout, quitAction: "stop" });
    await reporter.done;
    const lines = out.lines();
    expect(lines.slice(0, 6)).toEqual([
      "    0ms  search search-20260101-120000 started: 40 candidates (lora, adapter, bitfit, prefix), budget 20,000 params",
      "    0ms  task spam: 1500 train (750 W / 750 A), 300 validation, 600 test; majority baseline 0.560",
      "  800ms  phase search · 200 steps",
      "  910ms  search 1/200 (0%) · loss 0.7545 · α-loss 0.8043 · lr 3.0e-4 · 5,361 tok/s · ETA 21s",
      lines[4],
      lines[5],
    ]);
    expect(lines.filter((l) => / search \d+\/200 /.test(l))).toHaveLength(11); // step 1, then every tenth
    expect(lines.filter((l) => / retrain \d+\/150 /.test(l))).toHaveLength(11);
    expect(lines).toContain("    29s  budget 20,000 · soft Σn·p 20,000 · shift 3.111 (step 200)");
    expect(lines.filter((l) => l.includes(" budget 20,000 · soft"))).toHaveLength(4);
    expect(lines.at(-1)).toBe("    45s  run done in 45s · test 0.9283");
  });

  it("plain: prints a step line at least every stepIntervalMs of run time", async () => {
    const out = sink();
    await createReporter("plain", from(fixtureEvents()), { stdout: out.stdout, quitAction: "stop", stepIntervalMs: 1000 }).done;
    expect(out.lines().filter((l) => / search \d+\/200 /.test(l)).length).toBeGreaterThan(25);
  });

  it("json: prints every event as one JSON line", async () => {
    const out = sink();
    await createReporter("json", from(fixtureEvents()), { stdout: out.stdout, quitAction: "stop" }).done;
    expect(out.lines().map((l) => JSON.parse(l))).toEqual(fixtureEvents());
  });

  it("shows a failing stream as a last fatal error line instead of throwing", async () => {
    const out = sink();
    const events = fixtureEvents().slice(0, 3);
    await createReporter("plain", concat(from(events), throwError(() => new Error("EIO reading events.jsonl"))), { stdout: out.stdout, quitAction: "stop" }).done;
    expect(out.lines().at(-1)).toBe("  800ms  fatal error: EIO reading events.jsonl");
  });

  it("is done when closed before the run ends", async () => {
    const out = sink();
    const events$ = new Subject<S3petEvent>();
    const reporter = createReporter("json", events$, { stdout: out.stdout, quitAction: "detach" });
    events$.next(fixtureEvents()[0]!);
    reporter.close();
    await reporter.done;
    events$.next(fixtureEvents()[1]!);
    expect(out.lines()).toHaveLength(1);
  });

  it("tui: draws the dashboard on the terminal and is done after run-end", async () => {
    const terminal = fakeTerminal(120, 40);
    const reporter = createReporter("tui", from(fixtureEvents()), { stdout: terminal.stdout, terminal, quitAction: "stop" });
    await reporter.done;
    const screen = stripVTControlCharacters(terminal.output());
    expect(screen).toContain("search-20260101-120000 ● done");
    expect(screen).toContain("Result · 7 modules, 19,984 / 20,000 params");
    expect(screen).toContain("run done in 45s");
  });
});

/** A terminal for ink: a TTY-like stdout with a size, and a stdin that is not a TTY (no raw mode). */
function fakeTerminal(columns: number, rows: number) {
  let written = "";
  const stdout = Object.assign(new EventEmitter(), { columns, rows, isTTY: true, write: (chunk: string) => ((written += chunk), true) });
  const stdin = Object.assign(new EventEmitter(), { isTTY: false, setEncoding() {}, resume() {}, pause() {}, ref() {}, unref() {}, read: () => null });
  // vitest's console cannot be patched by ink (no console.Console): leave it alone here.
  return { stdout: stdout as unknown as NodeJS.WriteStream, stdin: stdin as unknown as NodeJS.ReadStream, patchConsole: false, output: () => written };
}
