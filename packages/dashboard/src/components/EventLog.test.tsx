import { afterEach, describe, expect, it } from "vitest";
import { cleanup, render } from "ink-testing-library";
import type { S3petEvent } from "@s3pet/core/events";
import { reduceRunState } from "../state/reduce-run-state.js";
import { fixtureState, frameWhen, strip } from "../testing/render-frame.js";
import { EventLog } from "./EventLog.js";

afterEach(cleanup);

describe("EventLog", () => {
  it("prints each log-worthy event once with its elapsed time", () => {
    const state = fixtureState((e) => e.type === "eval");
    const { lastFrame } = render(<EventLog log={state.log} startTime={state.startTime} />);
    expect(strip(lastFrame())).toMatchInlineSnapshot(`
      "    0ms search search-20260101-120000 started: 40 candidates (lora, adapter, bitfit, prefix), budget
       20,000 params
          0ms task spam: 1500 train (750 W / 750 A), 300 validation, 600 test; majority baseline 0.560
        800ms phase search · 200 steps
           7s search step 50 · validation accuracy 0.7807 (loss 0.5125) ★ best
      "
    `);
  });

  it("appends new lines without repeating old ones, errors and unknown plugin events included", async () => {
    let state = fixtureState((e) => e.type === "phase");
    const { lastFrame, rerender } = render(<EventLog log={state.log} startTime={state.startTime} />);
    const t = state.lastTime!;
    const more: S3petEvent[] = [
      { type: "error", time: t + 2000, message: "disk full while writing checkpoint", fatal: true },
      { type: "prefix:kv-norm", time: t + 3000, layer: 2, norm: 1.25 } as unknown as S3petEvent,
    ];
    state = more.reduce(reduceRunState, state);
    rerender(<EventLog log={state.log} startTime={state.startTime} />);
    const lines = (await frameWhen(lastFrame, (f) => f.includes("prefix:kv-norm"))).split("\n").filter((l) => l !== "");
    expect(lines.filter((l) => l.includes("phase search"))).toHaveLength(1);
    expect(lines.slice(-2)).toEqual(["     2s fatal error: disk full while writing checkpoint", '     3s prefix:kv-norm {"layer":2,"norm":1.25}']);
  });
});
