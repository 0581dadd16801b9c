import { describe, expect, it } from "vitest";
import { EventEmitter } from "node:events";
import { stripVTControlCharacters } from "node:util";
import { Subject } from "rxjs";
import type { S3petEvent } from "@s3pet/core/events";
import { fixtureEvents } from "./testing/fixture-events.js";
import { renderDashboard } from "./render-dashboard.js";

/** A 120x40 TTY-like stdout and a stdin that is not a terminal (no keys), as ink sees them. */
function fakeTerminal() {
  let written = "";
  const stdout = Object.assign(new EventEmitter(), { columns: 120, rows: 40, isTTY: true, write: (chunk: string) => ((written += chunk), true) });
  const stdin = Object.assign(new EventEmitter(), { isTTY: false, setEncoding() {}, resume() {}, pause() {}, ref() {}, unref() {}, read: () => null });
  return { stdout: stdout as unknown as NodeJS.WriteStream, stdin: stdin as unknown as NodeJS.ReadStream, output: () => stripVTControlCharacters(written) };
}

describe("renderDashboard", () => {
  it("keeps the events emitted before the Dashboard subscribes, and exits after run-end", async () => {
    const terminal = fakeTerminal();
    const events$ = new Subject<S3petEvent>();
    const dashboard = renderDashboard(events$, { ...terminal, patchConsole: false });
    for (const event of fixtureEvents()) events$.next(event); // all of them before the first frame
    events$.complete();
    await dashboard.exited;
    const screen = terminal.output();
    expect(screen).toContain("run done in 45s · test 0.9283"); // the log pane's last line
    expect(screen).toContain(" S3PET  search-20260101-120000 ● done");
    expect(screen).toContain("Result · 7 modules, 19,984 / 20,000 params");
  });

  it("stops reading the source once unmounted", async () => {
    const terminal = fakeTerminal();
    const events$ = new Subject<S3petEvent>();
    const dashboard = renderDashboard(events$, { ...terminal, patchConsole: false, quitAction: "detach" });
    events$.next(fixtureEvents()[0]!);
    expect(events$.observed).toBe(true);
    dashboard.unmount();
    await dashboard.exited;
    expect(events$.observed).toBe(false);
  });
});
