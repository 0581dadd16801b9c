import { afterEach, describe, expect, it } from "vitest";
import { cleanup, render } from "ink-testing-library";
import { initialRunState } from "../state/run-state.js";
import { atStep, fixtureState, strip } from "../testing/render-frame.js";
import { RunHeader } from "./RunHeader.js";

afterEach(cleanup);

describe("RunHeader", () => {
  it("waits for run-start", () => {
    const { lastFrame } = render(<RunHeader state={initialRunState()} width={80} />);
    expect(strip(lastFrame())).toContain("S3PET  waiting for run-start… ● starting");
  });

  it("names the run, its setting, elapsed time and the phase ETA mid-search", () => {
    const { lastFrame } = render(<RunHeader state={fixtureState(atStep("search", 100))} width={100} />);
    expect(strip(lastFrame())).toMatchInlineSnapshot(`
      " S3PET  search-20260101-120000 ● searching                                     elapsed 14s · ETA 13s
      s3pet-mini-bert (4x256) 11.17M params · spam (accuracy) · wasm · budget 20,000 = 0.179% · seed 42 ·…"
    `);
  });

  it("marks a resumed run and shows run-end's elapsed time once done", () => {
    const done = fixtureState();
    const { lastFrame } = render(<RunHeader state={{ ...done, resumed: true }} width={100} />);
    const frame = strip(lastFrame());
    expect(frame).toContain("(resumed) ● done");
    expect(frame).toContain("elapsed 45s");
    expect(frame).not.toContain("ETA");
  });
});
