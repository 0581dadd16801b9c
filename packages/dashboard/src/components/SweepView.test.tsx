import { describe, expect, it } from "vitest";
import { reduceSweepState } from "../state/reduce-sweep-state.js";
import { initialSweepState, type SweepEvent } from "../state/sweep-state.js";
import { renderFrame } from "../testing/render-frame.js";
import { SweepView } from "./SweepView.js";

const events: SweepEvent[] = [
  {
    type: "jobs",
    jobs: [
      { id: "train-3f2a9c1b0d12", axes: { structure: "lora", seed: "1" } },
      { id: "train-0b1c2d3e4f50", axes: { structure: "bitfit", seed: "1" } },
      { id: "train-9a8b7c6d5e4f", axes: { structure: "nope", seed: "1" } },
      { id: "train-112233445566", axes: { structure: "lora", seed: "2" } },
    ],
  },
  { type: "job", id: "train-3f2a9c1b0d12", status: "running", progress: { phase: "train", step: 32, totalSteps: 64 } },
  { type: "job", id: "train-0b1c2d3e4f50", status: "done", test: 0.6875 },
  { type: "job", id: "train-9a8b7c6d5e4f", status: "failed", error: "s3pet train: unknown structure preset 'nope'" },
];
const state = events.reduce(reduceSweepState, initialSweepState());
const view = (picked: string | null, columns: number, rows: number, s = state) =>
  renderFrame(<SweepView state={s} picked={picked} title="grid.json · redis://127.0.0.1:6379/grid" columns={columns} rows={rows} interactive />, { columns, rows })
    // Trailing blanks differ between ink's frames (a loaded machine once caught a padded row); the content is what counts.
    .split("\n")
    .map((line) => line.trimEnd())
    .join("\n");

describe("SweepView", () => {
  it("says under the header when the queue is lost, keeping the rows within the terminal, and drops it when it is back", () => {
    const lost = reduceSweepState(state, { type: "queue", error: "connect ECONNREFUSED 127.0.0.1:6379" });
    const frame = view(null, 110, 8, lost);
    expect(frame.split("\n")[1]).toBe("✖ queue unreachable: connect ECONNREFUSED 127.0.0.1:6379 · states below are the last known · retrying");
    expect(frame.split("\n").length).toBeLessThanOrEqual(7);
    expect(frame).toContain("▸ train-3f2a9c1b0d12");
    const back = reduceSweepState(lost, { type: "queue", error: null });
    expect(back.queueError).toBeNull();
    expect(view(null, 110, 8, back)).not.toContain("unreachable");
  });

  it("shows every job's state: running with phase and progress, done with its score, failed with its error, waiting", () => {
    expect(view(null, 110, 12)).toMatchInlineSnapshot(`
      " S3PET  sweep grid.json · redis://127.0.0.1:6379/grid        4 runs: 1 running · 1 done · 1 waiting · 1 failed
        run                 structure  seed  state      progress · score · error
      ▸ train-3f2a9c1b0d12  lora       1     ● running  train    ━━━━━━━━──────── 32/64  50%
        train-0b1c2d3e4f50  bitfit     1     ✔ done     test 0.6875
        train-9a8b7c6d5e4f  nope       1     ✖ failed   s3pet train: unknown structure preset 'nope'
        train-112233445566  lora       2     ○ waiting
       ↑↓  select  ·   enter  open its run  ·   q  quit (the sweep goes on)"
    `);
  });

  it("names what enter does for the job under the cursor", () => {
    const done = view("train-0b1c2d3e4f50", 110, 12);
    expect(done).toContain("▸ train-0b1c2d3e4f50");
    expect(done).toContain(" enter  open its run");
    expect(view("train-112233445566", 110, 12)).toContain(" enter  (not started yet)");
  });

  it("scrolls a long sweep to keep the cursor in sight, never taller than the terminal", () => {
    const many: SweepEvent = { type: "jobs", jobs: Array.from({ length: 40 }, (_, i) => ({ id: `train-${String(i).padStart(12, "0")}`, axes: { seed: String(i) } })) };
    const long = reduceSweepState(initialSweepState(), many);
    const frame = view("train-000000000030", 80, 12, long);
    const lines = frame.split("\n");
    expect(lines.length).toBeLessThan(12);
    expect(lines[0]).toMatch(/^ S3PET  sweep grid\.json/);
    expect(frame).toContain("▸ train-000000000030");
    expect(lines[1]).toMatch(/· 27–34 of 40$/);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(80);
  });
});
