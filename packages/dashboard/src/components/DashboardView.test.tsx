import { describe, expect, it } from "vitest";
import { FIXTURE_EVENTS_PATH, fixtureEvents, TINY_SEARCH_EVENTS_PATH } from "../testing/fixture-events.js";
import { atStep, fixtureState, renderFrame } from "../testing/render-frame.js";
import { reduceRunState } from "../state/reduce-run-state.js";
import { initialRunState, type RunState } from "../state/run-state.js";
import { compactPanels, dashboardLayout, DashboardView } from "./DashboardView.js";

const view = (state: RunState, columns: number, rows: number, panel = 0) =>
  renderFrame(<DashboardView state={state} columns={columns} rows={rows} panel={panel} stopping={false} quitAction="stop" interactive />, { columns, rows });

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
      │                                                          ││                                                          │
      │                                                          ││                                                          │
      │                                                          ││                                                          │
      │                                                          ││                                                          │
      ╰──────────────────────────────────────────────────────────╯╰──────────────────────────────────────────────────────────╯
      ╭─ Log · 1 warning · 1 error ──────────────────────────────────────────────────────────────────────────────────────────╮
      │    38s error: checkpoint write retried: EBUSY on runs/search-20260101-120000/checkpoints/retrain-step-90             │
      │    40s retrain step 100 · validation accuracy 0.9100 (loss 0.3000) ★ best                                            │
      │    40s checkpoint retrain step 100 → runs/search-20260101-120000/checkpoints/retrain-step-100                        │
      │    44s retrain step 150 · validation accuracy 0.9350 (loss 0.2000) ★ best                                            │
      │    44s checkpoint retrain step 150 → runs/search-20260101-120000/checkpoints/retrain-step-150                        │
      │    45s phase test                                                                                                    │
      │    45s test step 150 · test accuracy 0.9283 (loss 0.2100)                                                            │
      │    45s run done in 45s · test 0.9283                                                                                 │
      ╰──────────────────────────────────────────────────────────────────────────────────────────────────────────────────────╯
       q  exit"
    `);
  });

  it("keeps every frame of both fixture runs shorter than the terminal and within its width", () => {
    const sizes = [[80, 24], [100, 30], [120, 40], [60, 16], [200, 18], [30, 10]] as const;
    for (const path of [FIXTURE_EVENTS_PATH, TINY_SEARCH_EVENTS_PATH]) {
      const events = fixtureEvents(path);
      let state = initialRunState();
      for (const [i, event] of events.entries()) {
        state = reduceRunState(state, event);
        if (i % 61 !== 0 && i !== events.length - 1) continue;
        for (const [columns, rows] of sizes) {
          const panels = dashboardLayout(state, columns, rows, 0, false).kind === "compact" ? compactPanels(state).length : 1;
          for (let panel = 0; panel < panels; panel++) {
            const lines = view(state, columns, rows, panel).split("\n");
            const at = `${path.split("/").at(-2)} ${columns}x${rows} event ${i} panel ${panel}`;
            expect(lines.length, at).toBeLessThan(rows);
            expect(lines[0], at).toMatch(/^ S3PET /);
            for (const line of lines) expect(line.length, `${at}: ${line}`).toBeLessThanOrEqual(columns);
          }
        }
      }
    }
  });

  it("fits a 70-candidate search into 120x40: one heatmap row per method, the log below the panels", () => {
    const frame = view(fixtureState(atStep("search", 32), TINY_SEARCH_EVENTS_PATH), 120, 40);
    const lines = frame.split("\n");
    expect(lines).toHaveLength(39);
    expect(lines[0]).toMatch(/^ S3PET  tiny ● searching/);
    expect(frame).toContain("Gates p · step 30 · max per method");
    const methodRows = lines.filter((l) => /^│ \S+ +\d+ pos /.test(l));
    expect(methodRows.map((l) => l.split(/ +/)[1])).toEqual(["adapter", "bitfit", "ia3", "lnfit", "lora", "low-rank-adapter", "prefix"]);
    const log = lines.findIndex((l) => l.startsWith("╭─ Log"));
    expect(log).toBeGreaterThan(lines.findIndex((l) => l.includes("Top candidates of 70")));
    expect(lines.slice(log).join("\n")).toContain("search step 16 · validation accuracy 0.5500");
    expect(lines.at(-1)).toContain(" q  stop the run");
  });

  it("shows every heatmap row where they fit", () => {
    const frame = view(fixtureState(atStep("search", 32), TINY_SEARCH_EVENTS_PATH), 160, 60);
    expect(frame).not.toContain("max per method");
    expect(frame).toMatch(/│ +ffn\.ln +[·░▒▓█•]+/);
  });

  it("shows only the header, phases and keys on a tiny terminal", () => {
    const frame = view(fixtureState(atStep("search", 100)), 36, 8);
    expect(frame.split("\n")).toHaveLength(5);
    expect(frame).toMatch(/^ S3PET  search-20260101-120000 ● se/);
    expect(frame).toContain("● search");
    expect(view(fixtureState(atStep("search", 100)), 120, 4).split("\n")).toHaveLength(3);
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

  it("shows the event log in its pane inside the frame, never above it", () => {
    const lines = view(fixtureState((e) => e.type === "eval"), 120, 40).split("\n");
    expect(lines[0]).toMatch(/^ S3PET  search-20260101-120000 ● searching/);
    const log = lines.findIndex((l) => l.startsWith("╭─ Log"));
    expect(lines[log + 1]).toMatch(/│ +0ms search search-20260101-120000 started: 40 candidates/);
    expect(lines.slice(log).join("\n")).toContain("search step 50 · validation accuracy 0.7807 (loss 0.5125) ★ best");
  });
});
