import { describe, expect, it } from "vitest";
import type { S3petEvent } from "@s3pet/core/events";
import { reduceRunState } from "../state/reduce-run-state.js";
import { fixtureState, renderFrame } from "../testing/render-frame.js";
import { EventLog } from "./EventLog.js";

const pane = (state: ReturnType<typeof fixtureState>, height: number) => renderFrame(<EventLog state={state} width={80} height={height} />, { columns: 80, rows: 24 });

describe("EventLog", () => {
  it("shows the latest log-worthy events with their elapsed time, one truncated line each", () => {
    expect(pane(fixtureState((e) => e.type === "eval"), 6)).toMatchInlineSnapshot(`
      "╭─ Log ────────────────────────────────────────────────────────────────────────╮
      │    0ms search search-20260101-120000 started: 40 candidates (lora, adapter,… │
      │    0ms task spam: 1500 train (750 W / 750 A), 300 validation, 600 test; maj… │
      │  800ms phase search · 200 steps                                              │
      │     7s search step 50 · validation accuracy 0.7807 (loss 0.5125) ★ best      │
      ╰──────────────────────────────────────────────────────────────────────────────╯"
    `);
  });

  it("keeps only the last lines that fit, counting errors and warnings in its title", () => {
    const state = fixtureState((e) => e.type === "phase");
    const t = state.lastTime!;
    const more: S3petEvent[] = [
      { type: "log", time: t + 1000, level: "warn", message: "validation split is tiny" },
      { type: "error", time: t + 2000, message: "disk full while writing checkpoint", fatal: true },
      { type: "prefix:kv-norm", time: t + 3000, layer: 2, norm: 1.25 } as unknown as S3petEvent,
    ];
    const lines = pane(more.reduce(reduceRunState, state), 4).split("\n");
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^╭─ Log · 1 warning · 1 error ─+╮$/);
    expect(lines[1]).toContain("2s fatal error: disk full while writing checkpoint");
    expect(lines[2]).toContain('3s prefix:kv-norm {"layer":2,"norm":1.25}');
  });
});
