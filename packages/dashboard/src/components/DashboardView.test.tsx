import { describe, expect, it } from "vitest";
import { fixtureEvents } from "../testing/fixture-events.js";
import { fixtureState, renderFrame } from "../testing/render-frame.js";
import { reduceRunState } from "../state/reduce-run-state.js";
import { initialRunState, type RunState } from "../state/run-state.js";
import { compactPanels, DashboardView } from "./DashboardView.js";

const view = (state: RunState, columns: number, rows: number, panel = 0, showLog = false) =>
  renderFrame(<DashboardView state={state} columns={columns} rows={rows} panel={panel} stopping={false} quitAction="stop" interactive showLog={showLog} />, {
    columns,
    rows,
  });

describe("DashboardView", () => {
  it("shows every panel at 120x40 when the run is done", () => {
    expect(view(fixtureState(), 120, 40)).toMatchInlineSnapshot(`
      " S3PET  search-20260101-120000 ● done                                                                        elapsed 45s
      s3pet-mini-bert (4x256) 11.17M params · spam (accuracy) · wasm · budget 20,000 = 0.179% · seed 42 · lora adapter bitfit…
      ✔ search 28s ─ ✔ discretize 1s ─ ✔ retrain 14s ─ ✔ test 600ms
      run done in 45s
      ╭─ Loss · retrain ─────────────────────────────────────────╮╭─ Budget ─────────────────────────────────────────────────╮
      │ train   █▇▇▆▅▅▄▄▃▃▃▃▂▂▂▂▂▂▂▁▁▁▁▁ 0.1238                  ││ budget B      20,000 params · 0.179% of the backbone     │
      │ val acc ▁▆█                      0.9350 best 0.9350 @150 ││ soft Σn·p     20,000 ━━━━━━━━━━━━━━━ 100.0%              │
      │                                                          ││ shift b        3.111 at step 200                         │
      │                                                          ││ chosen        19,984 ━━━━━━━━━━━━━━━  99.9% · 7 modules  │
      ╰──────────────────────────────────────────────────────────╯╰──────────────────────────────────────────────────────────╯
      ╭─ Gates p · step 200 ─────────────────────────────────────╮╭─ Result · 7 modules, 19,984 / 20,000 params ─────────────╮
      │ layer            0     1     2     3                     ││ lora       8,192 · L2 attn.v, L3 attn.v                  │
      │ lora    attn.q   ····· ····· ····· ·····                 ││ adapter    8,464 · L3 ffn.out                            │
      │         attn.k   ····· ····· ····· ·····                 ││ bitfit     3,328 · L0 attn.q, L1 ffn.in, L2 ffn.in,      │
      │         attn.v   ····· ····· ████• ████•                 ││                    L3 ffn.in                             │
      │ adapter attn.out ····· ····· ····· ·····                 ││                                                          │
      │         ffn.out  ····· ····· ····· ████•                 ││              validation     test                         │
      │ bitfit  attn.q   ····• ····· ····· ·····                 ││ supernet         0.9117   0.9050                         │
      │         attn.v   ····· ····· ····· ·····                 ││ re-trained       0.9367   0.9283                         │
      │         ffn.in   ▓▓▓▓▓ ▓▓▓▓• ▓▓▓▓• ▓▓▓▓•                 ││ majority              –   0.5600                         │
      │         ffn.o    ····· ····· ····· ·····                 ││                                                          │
      │ prefix  attn     ····· ····· ····· ·····                 ││                                                          │
      │ p ·<.2 ░<.4 ▒<.6 ▓<.8 █≥.8  • kept                       ││                                                          │
      ╰──────────────────────────────────────────────────────────╯╰──────────────────────────────────────────────────────────╯
       q  exit"
    `);
  });

  it("keeps every frame of the run shorter than the terminal and within its width", () => {
    const events = fixtureEvents();
    let state = initialRunState();
    for (const [i, event] of events.entries()) {
      state = reduceRunState(state, event);
      if (i % 53 !== 0 && i !== events.length - 1) continue;
      for (const [columns, rows] of [[80, 24], [100, 30], [120, 40], [160, 50]] as const) {
        for (let panel = 0; panel < compactPanels(state).length; panel++) {
          const lines = view(state, columns, rows, panel).split("\n");
          expect(lines.length, `${columns}x${rows} event ${i} panel ${panel}`).toBeLessThan(rows);
          for (const line of lines) expect(line.length, line).toBeLessThanOrEqual(columns);
        }
      }
    }
  });

  it("shows one panel at a time on 80x24, the result first once there is one", () => {
    const done = fixtureState();
    expect(compactPanels(done)).toEqual(["result", "overview", "gates", "top"]);
    const [result, overview, gates, top] = [0, 1, 2, 3].map((p) => view(done, 80, 24, p));
    expect(result).toContain("Result · 7 modules");
    expect(result).not.toContain("Gates p");
    expect(overview).toContain("Loss · retrain");
    expect(overview).toContain("Budget");
    expect(gates).toContain("Gates p · step 200");
    expect(top).toContain("Top candidates of 40");
    expect(top).toContain("[top]");
    expect(view(done, 80, 24, 4)).toBe(result); // tab wraps around
  });

  it("puts the event log above the live panels", () => {
    const frame = view(fixtureState((e) => e.type === "eval"), 120, 40, 0, true);
    const lines = frame.split("\n");
    expect(lines[0]).toMatch(/0ms search search-20260101-120000 started: 40 candidates/);
    expect(lines.findIndex((l) => l.includes("validation accuracy 0.7807"))).toBeLessThan(lines.findIndex((l) => l.includes(" S3PET ")));
  });
});
