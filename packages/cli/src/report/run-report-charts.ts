// runReportCharts: the Vega-Lite charts of one run's report, built from its events (and results.json
// when it has one): loss per phase, validation per phase, the budget meter over time, the gate
// heatmap at sampled steps (one frame each, scrubbed in the page), the chosen structure on the
// backbone's layers, scores against the majority baseline, and phase timings. Pure: data in, specs out.
import { discretizeGreedy, type CandidateInfo, type ChosenModule, type EvalEvent, type GatesEvent, type PhaseEvent, type RunStartEvent, type StepEvent } from "@s3pet/core/events";
import type { RunResults } from "@s3pet/core";
import { shortPosition } from "@s3pet/dashboard";
import type { ChartSpec } from "./render-svg.js";
import type { RunReportData } from "./read-run-report.js";

export interface GateFrame {
  readonly step: number;
  readonly spec: ChartSpec;
}

export interface RunReportCharts {
  /** Training loss (and the search's structure-step loss), one chart per phase that stepped. */
  readonly loss: readonly { readonly phase: string; readonly spec: ChartSpec }[];
  readonly validation: ChartSpec | null;
  readonly budget: ChartSpec | null;
  readonly shift: ChartSpec | null;
  /** The heatmap at up to MAX_FRAMES gates events, in step order (the last one always included). */
  readonly gates: readonly GateFrame[];
  readonly structure: ChartSpec | null;
  readonly scores: ChartSpec | null;
  readonly timings: ChartSpec | null;
}

/** Frames of the scrubbable heatmap: enough to follow the search, few enough to keep the file small. */
export const MAX_FRAMES = 60;

const WIDTH = 620;
const METHOD_SCHEME = "tableau10";
/** Steps are whole numbers. */
const STEP_AXIS = { format: "d", tickMinStep: 1 } as const;

export function runReportCharts(data: RunReportData): RunReportCharts {
  const start = data.events.find((e): e is RunStartEvent => e.type === "run-start")!;
  const steps = data.events.filter((e): e is StepEvent => e.type === "step");
  const evals = data.events.filter((e): e is EvalEvent => e.type === "eval");
  const gates = data.events.filter((e): e is GatesEvent => e.type === "gates");
  const structure = chosenStructure(data);
  return {
    loss: lossCharts(steps),
    validation: validationChart(evals, majorityOf(data)),
    budget: budgetChart(data, gates),
    shift: shiftChart(data),
    gates: sampleFrames(gates).map((g, i, all) => ({ step: g.step, spec: gateFrame(start, g, i === all.length - 1 ? structure : null) })),
    structure: structureChart(start.candidates, structure),
    scores: scoresChart(data),
    timings: timingsChart(data),
  };
}

/** The structure the run chose: results.json's, or the structure event's while re-training runs. */
export function chosenStructure(data: RunReportData): readonly ChosenModule[] | null {
  if (data.results) return data.results.structure;
  const event = data.events.findLast((e) => e.type === "structure");
  return event?.type === "structure" ? event.structure : null;
}

function majorityOf(data: RunReportData): number | null {
  if (data.results) return data.results.majorityBaseline.test;
  const end = data.events.findLast((e) => e.type === "run-end");
  return end?.type === "run-end" ? (end.scores?.majorityBaseline?.test ?? null) : null;
}

function lossCharts(steps: readonly StepEvent[]): RunReportCharts["loss"] {
  const phases = [...new Set(steps.map((s) => s.phase))];
  return phases.map((phase) => {
    const values = steps
      .filter((s) => s.phase === phase)
      .flatMap((s) => [
        { step: s.step, series: "weight step (train loss)", loss: s.loss },
        ...(s.alphaLoss === undefined ? [] : [{ step: s.step, series: "structure step (A-half loss)", loss: s.alphaLoss }]),
      ]);
    return {
      phase,
      spec: {
        title: `${phase}: loss`,
        width: WIDTH,
        height: 180,
        data: { values },
        mark: { type: "line", point: values.length < 80, strokeWidth: 1.5 },
        encoding: {
          x: { field: "step", type: "quantitative", title: "step", axis: STEP_AXIS },
          y: { field: "loss", type: "quantitative", title: "loss", scale: { zero: false } },
          color: { field: "series", type: "nominal", title: null, legend: { orient: "bottom" } },
        },
      },
    };
  });
}

function validationChart(evals: readonly EvalEvent[], majority: number | null): ChartSpec | null {
  const points = evals.filter((e) => e.split === "validation").map((e) => ({ phase: e.phase, step: e.step, score: e.score, best: e.best ? "best so far" : "" }));
  if (!points.length) return null;
  const metric = evals[0]!.metric;
  return {
    title: `validation ${metric} per phase${majority === null ? "" : " (dashed: the majority class on test)"}`,
    data: { values: points },
    facet: { column: { field: "phase", type: "nominal", title: null, sort: [...new Set(points.map((p) => p.phase))] } },
    resolve: { scale: { x: "independent" } },
    spec: {
      width: Math.floor(WIDTH / Math.max(1, new Set(points.map((p) => p.phase)).size)) - 20,
      height: 160,
      layer: [
        {
          mark: { type: "line", point: true },
          encoding: {
            x: { field: "step", type: "quantitative", title: "step", axis: STEP_AXIS },
            y: { field: "score", type: "quantitative", title: metric, scale: { domain: [0, 1] } },
            tooltip: [{ field: "step" }, { field: "score", format: ".4f" }],
          },
        },
        ...(majority === null ? [] : [{ mark: { type: "rule" as const, strokeDash: [4, 3], color: "#888" }, encoding: { y: { datum: majority } } }]),
      ],
    },
  } as ChartSpec;
}

/** Soft count (sum n_i p_i), hard count (greedy over that step's gates) and the budget, over the search. */
function budgetChart(data: RunReportData, gates: readonly GatesEvent[]): ChartSpec | null {
  const start = data.events[0] as RunStartEvent;
  const budgets = data.events.filter((e) => e.type === "budget");
  if (!budgets.length) return null;
  const params = start.candidates.map((c) => c.params);
  const gatesAt = new Map(gates.map((g) => [g.step, g.p]));
  const values = budgets.flatMap((b) => {
    const p = gatesAt.get(b.step);
    const hard = p ? discretizeGreedy(params, p, b.budget).reduce((s, i) => s + params[i]!, 0) : null;
    return [
      { step: b.step, series: "budget B", params: b.budget },
      { step: b.step, series: "soft count Σ nᵢpᵢ", params: b.soft },
      ...(hard === null ? [] : [{ step: b.step, series: "hard count (greedy now)", params: hard }]),
    ];
  });
  return {
    title: "budget meter: parameters over the search",
    width: WIDTH,
    height: 180,
    data: { values },
    mark: { type: "line", point: true, strokeWidth: 1.5 },
    encoding: {
      x: { field: "step", type: "quantitative", title: "search step", axis: STEP_AXIS },
      y: { field: "params", type: "quantitative", title: "parameters", scale: { zero: false } },
      color: { field: "series", type: "nominal", title: null, legend: { orient: "bottom" }, sort: ["budget B", "soft count Σ nᵢpᵢ", "hard count (greedy now)"] },
      strokeDash: { field: "series", type: "nominal", scale: { domain: ["budget B", "soft count Σ nᵢpᵢ", "hard count (greedy now)"], range: [[4, 3], [1, 0], [1, 0]] } },
    },
  };
}

function shiftChart(data: RunReportData): ChartSpec | null {
  const values = data.events.flatMap((e) => (e.type === "budget" ? [{ step: e.step, shift: e.shift }] : []));
  if (!values.length) return null;
  return {
    title: "global shift b of the gates' sigmoid",
    width: WIDTH,
    height: 120,
    data: { values },
    mark: { type: "line", point: true, color: "#6b4c9a" },
    encoding: {
      x: { field: "step", type: "quantitative", title: "search step", axis: STEP_AXIS },
      y: { field: "shift", type: "quantitative", title: "shift b", scale: { zero: false } },
    },
  };
}

function sampleFrames(gates: readonly GatesEvent[]): GatesEvent[] {
  if (gates.length <= MAX_FRAMES) return [...gates];
  const picked = new Set<number>();
  for (let i = 0; i < MAX_FRAMES; i++) picked.add(Math.round((i * (gates.length - 1)) / (MAX_FRAMES - 1)));
  return [...picked].sort((a, b) => a - b).map((i) => gates[i]!);
}

/** `lora rank=8` for a candidate whose method appears with several option sets (key `site#lora[rank=8]`). */
function methodLabel(c: CandidateInfo): string {
  const variant = /\[([^\]]*)\]$/.exec(c.key)?.[1];
  return variant ? `${c.method} ${variant}` : c.method;
}

const layerLabel = (layer: number | null) => (layer === null ? "emb" : `L${layer}`);

function layerOrder(candidates: readonly CandidateInfo[]): string[] {
  return [...new Set(candidates.map((c) => c.layer))].sort((a, b) => (a ?? -1) - (b ?? -1)).map(layerLabel);
}

/** Heatmap rows as the dashboard orders them: methods as the run lists them, positions as first seen. */
function rowOrder(candidates: readonly CandidateInfo[], methods: readonly string[]): string[] {
  const rank = (c: CandidateInfo) => (methods.includes(c.method) ? methods.indexOf(c.method) : methods.length);
  const ordered = candidates.map((c, i) => ({ c, i })).sort((a, b) => rank(a.c) - rank(b.c) || methodLabel(a.c).localeCompare(methodLabel(b.c)) || a.i - b.i);
  return [...new Set(ordered.map(({ c }) => `${methodLabel(c)} · ${shortPosition(c.position)}`))];
}

/** Gate probabilities p as a layer x (method · position) heatmap; a dot marks the candidates kept at that step. */
function gateFrame(start: RunStartEvent, gates: GatesEvent, chosen: readonly ChosenModule[] | null): ChartSpec {
  const cands = start.candidates;
  const budget = start.run.budget ?? 0;
  const kept = chosen
    ? new Set(cands.flatMap((c, i) => (chosen.some((m) => m.site === c.site && m.method === c.method && (m.variant === undefined || c.key.endsWith(`[${m.variant}]`))) ? [i] : [])))
    : new Set(discretizeGreedy(cands.map((c) => c.params), gates.p, budget));
  const values = cands.map((c, i) => ({
    layer: layerLabel(c.layer),
    row: `${methodLabel(c)} · ${shortPosition(c.position)}`,
    p: gates.p[i] ?? 0,
    kept: kept.has(i) ? "•" : "",
    params: c.params,
    site: c.site,
  }));
  const rows = rowOrder(cands, start.run.methods);
  return {
    title: `gate probabilities p at search step ${gates.step}${chosen ? " · • = the chosen structure" : " · • = kept if discretised now"}`,
    width: 60 * layerOrder(cands).length,
    height: 13 * rows.length,
    data: { values },
    encoding: {
      x: { field: "layer", type: "ordinal", sort: layerOrder(cands), title: "layer", axis: { orient: "top", labelAngle: 0 } },
      y: { field: "row", type: "ordinal", sort: rows, title: null, axis: { labelFontSize: 10 } },
    },
    layer: [
      {
        mark: { type: "rect", stroke: "white", strokeWidth: 0.5 },
        encoding: {
          // sqrt: at small budgets most p are a few %, which a linear ramp shows as one colour
          color: { field: "p", type: "quantitative", title: "p", scale: { type: "sqrt", scheme: "viridis", domain: [0, 1] }, legend: { orient: "right", gradientLength: 120, values: [0, 0.05, 0.2, 0.5, 1] } },
          tooltip: [{ field: "site" }, { field: "row", title: "method · position" }, { field: "p", format: ".3f" }, { field: "params" }],
        },
      },
      {
        transform: [{ filter: "datum.kept !== ''" }],
        mark: { type: "text", fontSize: 12, fontWeight: "bold" },
        encoding: {
          text: { field: "kept" },
          color: { condition: { test: "datum.p > 0.6", value: "#1d2430" }, value: "white" },
        },
      },
    ],
  } as ChartSpec;
}

const SITE_IN_LAYER = /^(?:.*\.)?layer\.(\d+)\.(.+)$/;

/** Where a chosen module sits: its candidate's layer and position, else read from the HF-style site name. */
function placeOf(m: ChosenModule, candidates: readonly CandidateInfo[]): { layer: number | null; position: string } {
  const c = candidates.find((c) => c.site === m.site);
  if (c) return { layer: c.layer, position: c.position };
  const match = SITE_IN_LAYER.exec(m.site);
  return match ? { layer: Number(match[1]), position: match[2]! } : { layer: null, position: m.site };
}

/** The backbone's layers (columns) and positions (rows) with the chosen modules drawn in, coloured by method. */
function structureChart(candidates: readonly CandidateInfo[], chosen: readonly ChosenModule[] | null): ChartSpec | null {
  if (!chosen || !chosen.length) return null;
  const modules = chosen.map((m) => ({ ...placeOf(m, candidates), method: m.variant ? `${m.method} ${m.variant}` : m.method, params: m.params, site: m.site }));
  const places = candidates.length ? candidates.map((c) => ({ layer: c.layer, position: c.position })) : modules;
  const layers = [...new Set(places.map((p) => p.layer))].sort((a, b) => (a ?? -1) - (b ?? -1)).map(layerLabel);
  const positions = [...new Set(places.map((p) => shortPosition(p.position)))];
  const grid = layers.flatMap((layer) => positions.map((position) => ({ layer, position })));
  const total = chosen.reduce((s, m) => s + m.params, 0);
  return {
    title: `chosen structure: ${chosen.length} modules, ${total.toLocaleString("en-US")} parameters, on the backbone's layers`,
    width: 120 * layers.length,
    height: 20 * positions.length,
    encoding: {
      x: { field: "layer", type: "ordinal", sort: layers, title: "layer", axis: { orient: "top", labelAngle: 0 } },
      y: { field: "position", type: "ordinal", sort: positions, title: null },
    },
    layer: [
      { data: { values: grid }, mark: { type: "rect", fill: "#f1f3f6", stroke: "white", strokeWidth: 2 } },
      {
        data: { values: modules.map((m) => ({ ...m, layer: layerLabel(m.layer), position: shortPosition(m.position) })) },
        mark: { type: "rect", stroke: "white", strokeWidth: 1 },
        encoding: {
          xOffset: { field: "method", type: "nominal" },
          color: { field: "method", type: "nominal", title: "method", scale: { scheme: METHOD_SCHEME }, legend: { orient: "right" } },
          tooltip: [{ field: "site" }, { field: "method" }, { field: "params" }],
        },
      },
    ],
  } as ChartSpec;
}

interface ScoreBar {
  readonly what: string;
  readonly split: string;
  readonly score: number;
}

function scoreBars(data: RunReportData): { bars: ScoreBar[]; metric: string } {
  const r: RunResults | null = data.results;
  const metric = r?.metric ?? (data.events[0] as RunStartEvent).run.metric;
  const bars: ScoreBar[] = [];
  const end = data.events.findLast((e) => e.type === "run-end");
  const scores = r ? { supernet: r.supernet, retrained: r.retrained, majorityBaseline: r.majorityBaseline } : end?.type === "run-end" ? end.scores : undefined;
  const trained = (data.events[0] as RunStartEvent).run.command === "search" ? "re-trained" : "trained";
  if (scores?.supernet) bars.push({ what: "supernet (z = p)", split: "validation", score: scores.supernet.validation }, { what: "supernet (z = p)", split: "test", score: scores.supernet.test });
  if (scores?.retrained) bars.push({ what: trained, split: "validation", score: scores.retrained.validation }, { what: trained, split: "test", score: scores.retrained.test });
  if (scores?.majorityBaseline) bars.push({ what: "majority baseline", split: "test", score: scores.majorityBaseline.test });
  if (!bars.length) {
    // a run still going: its best validation score so far per phase
    const best = new Map<string, number>();
    for (const e of data.events) if (e.type === "eval" && e.split === "validation") best.set(e.phase, Math.max(best.get(e.phase) ?? -Infinity, e.score));
    for (const [phase, score] of best) bars.push({ what: `${phase} (best so far)`, split: "validation", score });
  }
  return { bars, metric };
}

function scoresChart(data: RunReportData): ChartSpec | null {
  const { bars, metric } = scoreBars(data);
  if (!bars.length) return null;
  const order = [...new Set(bars.map((b) => b.what))];
  return {
    title: `scores (${metric}) next to the majority baseline`,
    data: { values: bars },
    width: WIDTH - 120,
    height: { step: 14 },
    encoding: {
      y: { field: "what", type: "nominal", sort: order, title: null },
      yOffset: { field: "split", type: "nominal", sort: ["validation", "test"] },
      x: { field: "score", type: "quantitative", title: metric, scale: { domain: [0, 1] } },
      color: { field: "split", type: "nominal", title: "split", sort: ["validation", "test"], scale: { range: ["#8fb3d9", "#2f6db3"] } },
    },
    layer: [
      { mark: { type: "bar" } },
      { mark: { type: "text", align: "left", dx: 3, fontSize: 10, color: "#1d2430" }, encoding: { text: { field: "score", format: ".4f" }, color: { value: "#1d2430" } } },
    ],
  } as ChartSpec;
}

/** Each phase from its phase event to the next one (or the run's last event), in seconds since the run started. */
function timingsChart(data: RunReportData): ChartSpec | null {
  const t0 = data.events[0]!.time;
  const phases = data.events.filter((e): e is PhaseEvent => e.type === "phase");
  if (!phases.length) return null;
  const last = data.events.at(-1)!.time;
  const values = phases.map((p, i) => {
    const end = phases[i + 1]?.time ?? last;
    return { phase: `${p.phase}${phases.filter((q) => q.phase === p.phase).length > 1 ? ` (${i + 1})` : ""}`, from: (p.time - t0) / 1000, to: (end - t0) / 1000, seconds: (end - p.time) / 1000 };
  });
  return {
    title: `timings: ${((last - t0) / 1000).toFixed(1)} s from the run's start to its last event`,
    data: { values },
    width: WIDTH - 120,
    height: { step: 22 },
    encoding: { y: { field: "phase", type: "nominal", sort: values.map((v) => v.phase), title: null } },
    layer: [
      {
        mark: { type: "bar", color: "#5b8ec9" },
        encoding: { x: { field: "from", type: "quantitative", title: "seconds since the run started" }, x2: { field: "to" }, tooltip: [{ field: "phase" }, { field: "seconds", format: ".1f" }] },
      },
      { mark: { type: "text", align: "left", dx: 3, fontSize: 10 }, encoding: { x: { field: "to", type: "quantitative" }, text: { field: "seconds", format: ".1f" } } },
    ],
  } as ChartSpec;
}
