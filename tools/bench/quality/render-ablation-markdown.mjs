// @ts-check
// The "Search ablation" section of docs/BENCHMARKS.md from a quality.mjs report run with --ablate: per
// axis, one line per value and search row, the re-trained test score (mean ± sample std over seeds)
// and the supernet's, per budget and task; the best value of each axis is marked.
import { parseVariantRow } from "./ablation-axes.mjs";

const fmt = (s) => (s ? `${s.mean.toFixed(3)} ± ${s.std.toFixed(3)}` : "–");
const ROW_LABELS = { s3pet: "mixed space", "s3pet-lora": "LoRA only" };

export function renderAblationMarkdown(report) {
  const { summary, protocol } = report;
  const cols = protocol.budgets.flatMap((budget) => protocol.tasks.map((task) => ({ budget, task })));
  const variants = summary.cells.map((c) => ({ cell: c, v: parseVariantRow(c.row) })).filter((x) => x.v);
  const lines = ["## Search ablation", ""];
  lines.push(
    "One setting of the search changed at a time (every other at its CLI default), for the search rows; re-trained test",
    "accuracy (mean ± sample std over seeds), the soft supernet's test accuracy in brackets. ▲ marks each axis' best",
    "value per column.",
    "",
  );
  lines.push(`- Command: \`${report.command}\` (${(report.seconds / 60).toFixed(0)} min for this invocation)`);
  lines.push(`- Date: ${report.date}`);
  lines.push(`- Machine: ${report.machine.cores} x ${report.machine.cpu}, Node ${report.machine.node}; ${protocol.jobs} runs in parallel; load average at the start ${report.machine.load1AtStart?.toFixed(1) ?? "–"}, at the end ${report.machine.load1AtEnd.toFixed(1)}`);
  lines.push(`- Protocol flags: \`${[...protocol.flags, ...(protocol.searchFlags ?? [])].join(" ") || "(CLI defaults)"}\`; seeds ${protocol.seeds.join(", ")}`);
  lines.push("");
  for (const axis of [...new Set(variants.map((x) => x.v.axis))]) {
    lines.push(`| ${axis} | search | ${cols.map((c) => `${c.task} ${c.budget}`).join(" | ")} |`);
    lines.push(`|---|---|${cols.map(() => "---|").join("")}`);
    const ofAxis = variants.filter((x) => x.v.axis === axis);
    const keys = [...new Set(ofAxis.map((x) => `${x.v.row}|${x.v.value}`))];
    const find = (row, value, c) => ofAxis.find((x) => x.v.row === row && x.v.value === value && x.cell.budget === c.budget && x.cell.task === c.task)?.cell;
    for (const key of keys) {
      const [row, value] = key.split("|");
      const cells = cols.map((c) => {
        const cell = find(row, value, c);
        if (!cell?.test) return "–";
        const best = Math.max(...ofAxis.filter((x) => x.v.row === row && x.cell.budget === c.budget && x.cell.task === c.task && x.cell.test).map((x) => x.cell.test.mean));
        const mark = cell.test.mean === best && keys.filter((k) => k.startsWith(`${row}|`)).length > 1 ? " ▲" : "";
        return `${fmt(cell.test)}${cell.supernet ? ` (${cell.supernet.mean.toFixed(3)})` : ""}${cell.n < protocol.seeds.length ? ` (n=${cell.n})` : ""}${mark}`;
      });
      lines.push(`| ${value} | ${ROW_LABELS[row] ?? row} | ${cells.join(" | ")} |`);
    }
    lines.push("");
  }
  const failed = report.runs.filter((r) => !r.ok && !/^not run/.test(r.error ?? ""));
  if (failed.length) lines.push(`Failed runs (${failed.length}): ${failed.map((r) => `${r.id} (${r.error})`).join("; ")}`, "");
  const missing = report.runs.filter((r) => !r.ok && /^not run/.test(r.error ?? ""));
  if (missing.length) lines.push(`**Not run (time ran out): ${missing.length} of ${report.runs.length} runs.**`, "");
  return lines.join("\n").trimEnd();
}
