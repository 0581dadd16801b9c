import { afterEach, describe, expect, it } from "vitest";
import { cleanup, render } from "ink-testing-library";
import { from, Subject } from "rxjs";
import { fixtureEvents } from "../testing/fixture-events.js";
import { frameWhen, lastDrawnFrame, nextFrame } from "../testing/render-frame.js";
import type { SweepEvent } from "../state/sweep-state.js";
import { SweepDashboard } from "./SweepDashboard.js";

afterEach(cleanup);

const DOWN = "\u001B[B";
const UP = "\u001B[A";
const ENTER = "\r";
const ESC = "\u001B";

describe("SweepDashboard", () => {
  it("lists the jobs live, opens the picked one's run dashboard with enter and comes back with q or esc", async () => {
    const events$ = new Subject<SweepEvent>();
    const opened: string[] = [];
    const openRun = (id: string) => {
      opened.push(id);
      return from(fixtureEvents());
    };
    const { stdin, frames } = render(<SweepDashboard events$={events$} openRun={openRun} title="grid.json" throttleMs={0} size={{ columns: 120, rows: 40 }} />);
    const frame = () => lastDrawnFrame(frames);
    events$.next({ type: "jobs", jobs: ["a", "b", "c"].map((x) => ({ id: `train-${x}`, axes: { seed: x } })) });
    events$.next({ type: "job", id: "train-b", status: "running", progress: { phase: "train", step: 3, totalSteps: 64 } });
    events$.next({ type: "job", id: "train-c", status: "done", test: 0.75 });
    expect(await frameWhen(frame, (f) => f.includes("test 0.7500"))).toMatch(/▸ train-b +b +● running +train .* 3\/64/);

    stdin.write(DOWN);
    await frameWhen(frame, (f) => f.includes("▸ train-c"));
    stdin.write(ENTER);
    const run = await frameWhen(frame, (f) => f.includes("● done"));
    await nextFrame();
    expect(opened).toEqual(["train-c"]);
    expect(run).toContain(" S3PET  search-20260101-120000 ● done");
    expect(run).toContain(" q  back to the sweep");

    stdin.write("q");
    expect(await frameWhen(frame, (f) => f.includes(" S3PET  sweep"))).toContain("▸ train-c");
    await nextFrame();
    stdin.write(UP);
    await frameWhen(frame, (f) => f.includes("▸ train-b"));
    stdin.write(ENTER);
    await frameWhen(frame, (f) => f.includes("back to the sweep"));
    expect(opened).toEqual(["train-c", "train-b"]);
    await nextFrame(); // the run dashboard's keys are read once it has mounted
    stdin.write(ESC);
    expect(await frameWhen(frame, (f) => f.includes(" S3PET  sweep"))).toContain("▸ train-b");

    // A job that has not started has no run to open.
    stdin.write(UP);
    await frameWhen(frame, (f) => f.includes("▸ train-a"));
    stdin.write(ENTER);
    await nextFrame();
    expect(frame()).toContain(" S3PET  sweep");
    expect(opened).toHaveLength(2);

    stdin.write("q"); // leaves the view
    await nextFrame();
    const count = frames.length;
    events$.next({ type: "job", id: "train-a", status: "running" });
    await nextFrame();
    expect(frames.length).toBe(count);
  });
});
