// runReportHtml: one self-contained HTML page telling a run's story (docs/REPORTS.md): every chart is an
// inline SVG rendered here, the styles are inline, and the only script switches between the gate
// heatmap's pre-rendered frames. Nothing is loaded from anywhere, so the file works offline and as an
// e-mail attachment.
import type { EvalEvent, RunStartEvent, StepEvent } from "@s3pet/core/events";
import { formatDuration } from "@s3pet/dashboard";
import { chosenStructure, MAX_FRAMES, runReportCharts } from "./run-report-charts.js";
import type { RunReportData } from "./read-run-report.js";
import { renderSvg } from "./render-svg.js";

export async function runReportHtml(data: RunReportData, now: Date = new Date()): Promise<string> {
  const start = data.events[0] as RunStartEvent;
  const charts = runReportCharts(data);
  const end = data.events.findLast((e) => e.type === "run-end");
  const lastStep = data.events.findLast((e): e is StepEvent => e.type === "step");
  const state = end?.type === "run-end"
    ? `${end.status} in ${formatDuration(end.elapsedMs)}`
    : `${data.live ? "running" : "not running (stopped or killed; resume it with --resume)"}: snapshot at ${lastStep ? `${lastStep.phase} step ${lastStep.step}/${lastStep.totalSteps}` : "its start"}`;
  const chart = async (spec: Parameters<typeof renderSvg>[0] | null, cls = "chart") => (spec ? `<figure class="${cls}">${await renderSvg(spec)}</figure>` : "");
  const frames = await Promise.all(charts.gates.map(async (f) => ({ step: f.step, svg: await renderSvg(f.spec) })));
  const structure = chosenStructure(data);

  const sections: string[] = [];
  sections.push(section("Configuration", configTable(data, start)));
  const lossSvgs = (await Promise.all(charts.loss.map((l) => chart(l.spec)))).join("");
  sections.push(section("Loss and validation", lossSvgs + (await chart(charts.validation)) || empty("no step yet")));
  if (start.run.command === "search") {
    sections.push(
      section(
        "Gate probabilities over the search",
        frames.length
          ? `${frames.length > 1 ? scrubber(frames.map((f) => f.step)) : ""}<div class="frames">${frames
              .map((f, i) => `<figure class="chart frame" data-step="${f.step}"${i === frames.length - 1 ? "" : " hidden"}>${f.svg}</figure>`)
              .join("")}</div><p class="note">${start.candidates.length} candidates; ${frames.length} of the search's gates events shown (every one up to ${MAX_FRAMES}, else evenly sampled; the last is always there).</p>`
          : empty("no gates event yet"),
      ),
    );
    sections.push(section("Budget meter", (await chart(charts.budget)) + (await chart(charts.shift)) || empty("no budget event yet")));
  }
  sections.push(section("Chosen structure", (await chart(charts.structure)) + (structure ? structureTable(structure) : "") || empty("not chosen yet")));
  sections.push(section("Scores", (await chart(charts.scores)) + scoresNote(data) || empty("no evaluation yet")));
  sections.push(section("Timings", (await chart(charts.timings)) + timingTable(data)));

  const title = `s3pet report · ${start.run.name}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>${esc(start.run.name)} <span class="cmd">s3pet ${esc(start.run.command)}</span></h1>
<p class="state ${end?.type === "run-end" ? end.status : "live"}">${esc(state)}</p>
<p class="meta">${esc(start.run.task)} · ${esc(start.run.backbone)} · ${start.run.backboneParams.toLocaleString("en-US")} backbone parameters · budget ${start.run.budget === null ? "–" : start.run.budget.toLocaleString("en-US")} · ${esc(data.runDir)} · report made ${now.toISOString()}</p>
</header>
<main>
${sections.join("\n")}
</main>
${frames.length > 1 ? `<script>${SCRUB_SCRIPT}</script>` : ""}
</body>
</html>
`;
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const section = (title: string, body: string) => `<section><h2>${esc(title)}</h2>${body}</section>`;
const empty = (what: string) => `<p class="note">${esc(what)}</p>`;

function table(head: readonly string[], rows: readonly (readonly string[])[]): string {
  return `<table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join("")}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join("")}</tr>`)
    .join("")}</tbody></table>`;
}

function configTable(data: RunReportData, start: RunStartEvent): string {
  const run = data.runJson;
  const rows: [string, string][] = [
    ["command", `s3pet ${start.run.command}`],
    ["task", `${start.run.task} (${start.run.metric})`],
    ["backbone", `${start.run.backbone}${run?.model ? ` from ${run.model}` : ""}`],
    ["methods", start.run.methods.join(", ") || "–"],
    ["candidates", String(start.candidates.length)],
    ["backend", start.run.backend],
    ["seed", String(start.run.seed)],
    ["started", run?.startedAt ?? new Date(start.time).toISOString()],
  ];
  if (run?.resumedAt.length) rows.push(["resumed", run.resumedAt.join(", ")]);
  for (const [key, value] of Object.entries(run?.config ?? {})) {
    if (key === "command" || key === "name") continue;
    const shown = typeof value === "object" && value !== null ? JSON.stringify(value) : String(value);
    if (shown === "{}" || shown === "[]") continue;
    rows.push([key, shown]);
  }
  if (run?.versions) rows.push(["versions", Object.entries(run.versions).filter(([k]) => k === "tfjs" || k === "node").map(([k, v]) => `${k} ${v}`).join(", ")]);
  return `<dl class="settings">${rows.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join("")}</dl>`;
}

function structureTable(structure: readonly { site: string; method: string; options: Readonly<Record<string, unknown>>; params: number }[]): string {
  return table(
    ["site", "method", "options", "params"],
    structure.map((m) => [m.site, m.method, Object.entries(m.options).map(([k, v]) => `${k}=${v}`).join(" ") || "–", m.params.toLocaleString("en-US")]),
  );
}

function scoresNote(data: RunReportData): string {
  const r = data.results;
  if (!r) return "";
  const lift = r.retrained.test - r.majorityBaseline.test;
  return `<p class="note">${r.command === "search" ? "re-trained" : "trained"} test ${r.metric} ${r.retrained.test.toFixed(4)}, ${lift >= 0 ? "+" : ""}${lift.toFixed(4)} over always predicting the majority class; ${r.chosenParams.toLocaleString("en-US")} trained parameters (${(100 * r.chosenRatio).toPrecision(2)}% of the backbone).</p>`;
}

function timingTable(data: RunReportData): string {
  const steps = data.events.filter((e): e is StepEvent => e.type === "step");
  const evals = data.events.filter((e): e is EvalEvent => e.type === "eval");
  const phases = [...new Set(steps.map((s) => s.phase))];
  const rows = phases.map((phase) => {
    const ps = steps.filter((s) => s.phase === phase);
    const rates = ps.map((s) => s.tokensPerSecond).sort((a, b) => a - b);
    const gaps = ps.slice(1).map((s, i) => s.time - ps[i]!.time).sort((a, b) => a - b);
    return [phase, String(ps.length), gaps.length ? `${(gaps[Math.floor(gaps.length / 2)]! / 1000).toFixed(2)} s` : "–", rates.length ? Math.round(rates[Math.floor(rates.length / 2)]!).toLocaleString("en-US") : "–", String(evals.filter((e) => e.phase === phase).length)];
  });
  const r = data.results;
  const total = r ? `<p class="note">whole run ${formatDuration(r.seconds * 1000)}, peak RSS ${Math.round(r.peakRssMB)} MB.</p>` : "";
  return (rows.length ? table(["phase", "steps", "median time between steps", "median tokens/s", "evaluations"], rows) : "") + total;
}

function scrubber(steps: readonly number[]): string {
  return `<div class="scrub"><button type="button" id="play" aria-label="play">▶</button><input type="range" id="frame" min="0" max="${steps.length - 1}" value="${steps.length - 1}" step="1" aria-label="search step"><output id="frame-step">step ${steps.at(-1)}</output></div>`;
}

/** Shows one heatmap frame at a time: the slider picks it, the button plays the search through. */
const SCRUB_SCRIPT = `(() => {
  const frames = [...document.querySelectorAll(".frame")];
  const slider = document.getElementById("frame");
  const label = document.getElementById("frame-step");
  const play = document.getElementById("play");
  const show = (i) => {
    frames.forEach((f, j) => (f.hidden = j !== i));
    label.textContent = "step " + frames[i].dataset.step;
  };
  slider.addEventListener("input", () => show(Number(slider.value)));
  let timer = null;
  play.addEventListener("click", () => {
    if (timer) { clearInterval(timer); timer = null; play.textContent = "▶"; return; }
    if (Number(slider.value) === frames.length - 1) slider.value = "0";
    play.textContent = "❚❚";
    timer = setInterval(() => {
      const i = Number(slider.value);
      show(i);
      if (i >= frames.length - 1) { clearInterval(timer); timer = null; play.textContent = "▶"; return; }
      slider.value = String(i + 1);
    }, 250);
  });
})();`;

const STYLE = `
:root { color-scheme: light; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1d2430; margin: 0; background: #fafbfc; }
header { padding: 20px 32px 12px; background: #fff; border-bottom: 1px solid #e3e7ec; }
h1 { font-size: 20px; margin: 0 0 4px; }
h1 .cmd { font: 13px ui-monospace, monospace; color: #5b6472; margin-left: 8px; }
h2 { font-size: 15px; margin: 0 0 10px; }
main { padding: 12px 32px 40px; display: grid; gap: 16px; max-width: 1100px; }
section { background: #fff; border: 1px solid #e3e7ec; border-radius: 8px; padding: 14px 18px; overflow-x: auto; }
figure { margin: 0 0 10px; }
.state { margin: 0; font-weight: 600; }
.state.done { color: #1f7a3a; } .state.failed { color: #b3261e; } .state.stopped, .state.live { color: #a15c00; }
.meta, .note { color: #5b6472; margin: 4px 0; font-size: 12.5px; }
table { border-collapse: collapse; font-size: 12.5px; margin: 4px 0 8px; }
th, td { text-align: left; padding: 3px 10px 3px 0; border-bottom: 1px solid #eef0f3; vertical-align: top; }
th { color: #5b6472; font-weight: 600; }
td:first-child { font-family: ui-monospace, monospace; }
dl.settings { display: grid; grid-template-columns: repeat(3, max-content minmax(0, 1fr)); gap: 3px 12px; margin: 0; font-size: 12.5px; }
dl.settings dt { font-family: ui-monospace, monospace; color: #5b6472; }
dl.settings dd { margin: 0 12px 0 0; overflow-wrap: anywhere; }
.scrub { display: flex; align-items: center; gap: 10px; margin-bottom: 8px; }
.scrub input { width: 420px; }
.scrub button { width: 34px; height: 26px; border: 1px solid #c8ced6; background: #fff; border-radius: 4px; cursor: pointer; }
[hidden] { display: none !important; }
`;
