import { afterEach, describe, expect, it } from "vitest";
import { cleanup, render } from "ink-testing-library";
import { Subject } from "rxjs";
import type { S3petEvent } from "@s3pet/core/events";
import { eventsFromFile } from "../sources/events-from-file.js";
import { FIXTURE_EVENTS_PATH, fixtureEvents } from "../testing/fixture-events.js";
import { frameWhen, lastDrawnFrame, mountFrame, nextFrame, strip } from "../testing/render-frame.js";
import { Dashboard } from "./Dashboard.js";

afterEach(cleanup);

const SIZE = { columns: 100, rows: 40 };
const TAB = "\t";

describe("Dashboard", () => {
  it("renders a live run from events$ as they arrive", async () => {
    const events$ = new Subject<S3petEvent>();
    const { lastFrame } = render(<Dashboard events$={events$} throttleMs={0} size={SIZE} />);
    expect(strip(lastFrame())).toContain("waiting for run-start…");
    const events = fixtureEvents();
    const firstGates = events.findIndex((e) => e.type === "gates");
    for (const e of events.slice(0, firstGates + 2)) events$.next(e);
    // Frames are drawn on a timer: wait for the one with the first gates (a loaded machine is slower).
    const frame = await frameWhen(lastFrame, (f) => f.includes("Gates p · step 10"));
    expect(frame).toContain("search-20260101-120000 ● searching");
    expect(frame).toMatch(/search +━+.* 10\/200 +5%/);
    expect(frame).toContain("Gates p · step 10");
    expect(frame).toContain(" q  stop the run (checkpoint first)");
  });

  it("asks the run to stop once on q and shows that it is stopping", async () => {
    const events$ = new Subject<S3petEvent>();
    let quits = 0;
    const { frames, stdin } = render(<Dashboard events$={events$} throttleMs={0} size={SIZE} onQuit={() => quits++} />);
    const lastFrame = () => lastDrawnFrame(frames);
    for (const e of fixtureEvents().slice(0, 30)) events$.next(e);
    await nextFrame();
    stdin.write("q");
    stdin.write("q");
    const frame = await frameWhen(lastFrame, (f) => f.includes("■ stopping"));
    expect(frame).toContain("■ stopping: finishing the current step and writing a checkpoint…");
    expect(quits).toBe(1);
    events$.next({ type: "run-end", time: fixtureEvents()[30]!.time, status: "stopped", elapsedMs: 4000 });
    expect(await frameWhen(lastFrame, (f) => f.includes("run stopped"))).toContain("run stopped in 4s");
  });

  it("detaches on q when watching", async () => {
    const events$ = new Subject<S3petEvent>();
    let detached = false;
    const { stdin, frames } = render(<Dashboard events$={events$} throttleMs={0} size={SIZE} quitAction="detach" onQuit={() => (detached = true)} />);
    events$.next(fixtureEvents()[0]!);
    await nextFrame();
    stdin.write("q");
    await frameWhen(() => String(detached), (f) => f === "true");
    expect(detached).toBe(true);
    const count = frames.length;
    events$.next(fixtureEvents()[1]!);
    await nextFrame();
    expect(frames.length).toBe(count); // unmounted: no more frames
  });

  it("switches panels with tab on a small terminal", async () => {
    const events$ = new Subject<S3petEvent>();
    const { lastFrame, stdin } = render(<Dashboard events$={events$} throttleMs={0} size={{ columns: 80, rows: 24 }} exitOnEnd={false} />);
    for (const e of fixtureEvents().slice(0, 60)) events$.next(e);
    await nextFrame();
    expect(await frameWhen(lastFrame, (f) => f.includes("[overview]"))).toContain("Budget");
    stdin.write(TAB);
    expect(await frameWhen(lastFrame, (f) => f.includes("[gates]"))).toContain("Gates p · step 40");
    stdin.write(TAB);
    expect(await frameWhen(lastFrame, (f) => f.includes("[top]"))).toContain("Top candidates of 40");
  });

  it("reproduces the in-process run's final screen when replaying its events.jsonl", async () => {
    const live$ = new Subject<S3petEvent>();
    const live = render(<Dashboard events$={live$} size={SIZE} />);
    for (const e of fixtureEvents()) live$.next(e);
    live$.complete();
    const replay = render(<Dashboard events$={eventsFromFile(FIXTURE_EVENTS_PATH, { speed: 1000, maxPauseMs: 2 })} size={SIZE} quitAction="stop" />);
    const done = (f: string) => f.includes("run done in 45s");
    const liveFrame = await frameWhen(() => lastDrawnFrame(live.frames), done);
    const replayFrame = await frameWhen(() => lastDrawnFrame(replay.frames), done);
    expect(done(liveFrame)).toBe(true);
    expect(replayFrame).toBe(liveFrame);
    expect(liveFrame).toContain("Result · 7 modules, 19,984 / 20,000 params");
    expect(liveFrame.split("\n")[0]).toMatch(/^ S3PET  search-20260101-120000 ● done/); // nothing printed above the frame
  });

  it("lays itself out anew when the terminal is resized", async () => {
    const events$ = new Subject<S3petEvent>();
    const mounted = mountFrame(<Dashboard events$={events$} throttleMs={0} exitOnEnd={false} />, { columns: 120, rows: 40 });
    for (const e of fixtureEvents().slice(0, 60)) events$.next(e);
    const wide = await frameWhen(mounted.frame, (f) => f.includes("Top candidates of 40"));
    expect(wide).toContain("Gates p · step 40");
    mounted.resize(80, 24);
    const small = await frameWhen(mounted.frame, (f) => f.includes("[overview]"));
    expect(small.split("\n").length).toBeLessThan(24);
    expect(small).not.toContain("Gates p");
    mounted.resize(30, 8);
    const tiny = await frameWhen(mounted.frame, (f) => !f.includes("Budget"));
    expect(tiny.split("\n")).toHaveLength(5);
    expect(tiny).toMatch(/^ S3PET  search-2026/);
    mounted.unmount();
  });
});
