// @ts-check
// The "Quality" section of docs/BENCHMARKS.md from a quality.mjs report: the main table (rows x tasks,
// mean ± std of the re-trained test score over seeds, parameters used), the transfer table, the
// win/tie/loss counts of the searches against random structures and LoRA-only search at the same budget,
// and the small-budget searches against the best preset.
import { compareSeedStats } from "@s3pet/sweep";

/** A seedStats() value as "0.865 ± 0.010" ("–" for none). */
export const fmt = (s) => (s ? `${s.mean.toFixed(3)} ± ${s.std.toFixed(3)}` : "–");
const int = (x) => (Number.isFinite(x) ? Math.round(x).toLocaleString("en-US") : "–");

export const ROW_LABELS = {
  s3pet: "S3PET, mixed space",
  "s3pet-m": "S3PET, S3PET-M space (--space s3pet-m)",
  "s3pet-lora": "S3PET, LoRA only",
  random: "random structure, mixed space",
  lora: "LoRA r=8 on query/value (preset)",
  adapter: "Adapter after attention and FFN (preset)",
  bitfit: "BitFit, all biases (preset)",
  prefix: "Prefix on every layer (preset)",
  full: "full fine-tuning",
};

/** @param {Record<string, string>} [figures] task -> figure path relative to docs/ (shown after the main table) */
export function renderQualityMarkdown(report, figures = {}) {
  const { summary, protocol } = report;
  const tasks = protocol.tasks;
  const cell = (row, budget, task) => summary.cells.find((c) => c.row === row && (c.budget ?? "-") === (budget ?? "-") && c.task === task);
  const pct = (p) => {
    if (!summary.backboneParams || !Number.isFinite(p)) return "";
    const v = (100 * p) / summary.backboneParams;
    return `${v >= 10 ? v.toFixed(0) : v >= 1 ? v.toFixed(1) : v.toPrecision(2)}%`;
  };
  const lines = ["## Quality", ""];
  lines.push(
    "Re-trained test accuracy (mean ± sample std over seeds) of every structure, each trained by the same protocol",
    "(`s3pet train` / the re-training phase of `s3pet search`: fresh modules, AdamW, best validation checkpoint scored on",
    "test). Parameters are the trainable PET parameters (the task head is trained too and reported apart), averaged over",
    "tasks and seeds; % is of the backbone's parameters.",
    "",
    ...protocolLines(report),
    "",
  );

  lines.push(`| structure | budget | params | ${tasks.join(" | ")} | average |`);
  lines.push(`|---|---|---|${tasks.map(() => "---|").join("")}---|`);
  const order = ["s3pet", "s3pet-m", "s3pet-lora", "random"];
  const budgetRows = [];
  for (const budget of protocol.budgets) for (const row of order) budgetRows.push([row, budget]);
  const fixedRows = ["lora", "adapter", "bitfit", "prefix", "full"].map((r) => [r, null]);
  for (const [row, budget] of [...budgetRows, ...fixedRows]) {
    const cs = tasks.map((t) => cell(row, budget, t));
    if (cs.every((c) => !c || c.n === 0)) continue;
    const params = cs.filter((c) => c?.params !== null && c?.params !== undefined).map((c) => c.params);
    const p = params.length ? params.reduce((s, x) => s + x, 0) / params.length : NaN;
    const complete = cs.every((c) => c && c.n > 0);
    const avg = complete ? cs.reduce((s, c) => s + c.test.mean, 0) / cs.length : NaN;
    const failed = cs.reduce((s, c) => s + (c?.failed ?? 0), 0);
    lines.push(
      `| ${ROW_LABELS[row] ?? row}${failed ? ` (${failed} failed)` : ""} | ${budget ?? "–"} | ${int(p)} (${pct(p)}) | ${cs.map((c) => (c ? `${fmt(c.test)}${c.n < protocol.seeds.length ? ` (n=${c.n})` : ""}` : "–")).join(" | ")} | ${complete ? avg.toFixed(3) : "–"} |`,
    );
  }
  lines.push(`| majority class | – | 0 | ${tasks.map((t) => summary.majority[t]?.toFixed(3) ?? "–").join(" | ")} | – |`);
  lines.push("");
  for (const [task, path] of Object.entries(figures)) lines.push(`![${task}: test score against trained parameters](${path})`, "");

  // A search against random and LoRA-only at the same budget, per task: win / tie / loss, where a tie
  // means the difference of the means is within the larger of the two stds.
  const duel = (row, other) => {
    let win = 0, tie = 0, loss = 0;
    for (const budget of protocol.budgets) for (const t of tasks) {
      const r = versus(cell(row, budget, t), cell(other, budget, t));
      if (r === "win") win++;
      else if (r === "tie") tie++;
      else if (r === "loss") loss++;
    }
    return `${win} wins, ${tie} ties, ${loss} losses`;
  };
  const searches = ["s3pet", "s3pet-m"].filter((row) => summary.cells.some((c) => c.row === row));
  for (const row of searches) {
    lines.push(`${ROW_LABELS[row]} over the ${protocol.budgets.length} budgets x ${tasks.length} tasks (cells with at least 2 seeds), where a tie is a difference within the larger std: against random structures ${duel(row, "random")}; against LoRA-only search ${duel(row, "s3pet-lora")}.`);
    lines.push("");
  }
  // The paper's efficiency claim: a search at a small budget against the best preset, per task.
  const presets = summary.cells.filter((c) => c.budget === null && c.row !== "full" && !c.row.startsWith("transfer-from-") && c.test && c.n >= 2);
  const small = protocol.budgets.filter((b) => b.endsWith("%") && Number(b.slice(0, -1)) <= 0.1);
  const claims = [];
  for (const t of tasks) {
    const best = presets.filter((c) => c.task === t).sort((a, b) => b.test.mean - a.test.mean)[0];
    if (!best) continue;
    const duels = [];
    for (const row of [...searches, "s3pet-lora"]) for (const b of small) {
      const c = cell(row, b, t);
      const r = versus(c, best);
      if (r) duels.push(`${ROW_LABELS[row] ?? row} at ${b} (${int(c.params)} params) ${r === "win" ? "beats" : r === "tie" ? "ties" : "loses to"} it`);
    }
    if (duels.length) claims.push(`- \`${t}\`: best preset ${ROW_LABELS[best.row] ?? best.row}, ${fmt(best.test)} with ${int(best.params)} params; ${duels.join("; ")}`);
  }
  if (claims.length) lines.push("Searches at 0.1% or less against the best preset (a tie is a difference within the larger std):", "", ...claims, "");

  // Transfer
  const transferRows = summary.cells.filter((c) => c.row.startsWith("transfer-from-"));
  if (transferRows.length) {
    const b = protocol.transferBudget;
    lines.push(`### Transfer (budget ${b}): a structure searched on one task, re-trained on another`, "");
    lines.push("| target task | searched on the target | random | " + tasks.map((t) => `from ${t}`).join(" | ") + " |");
    lines.push(`|---|---|---|${tasks.map(() => "---|").join("")}`);
    for (const target of tasks) {
      const own = cell("s3pet", b, target);
      const rnd = cell("random", b, target);
      lines.push(`| ${target} | ${fmt(own?.test)} | ${fmt(rnd?.test)} | ${tasks.map((s) => (s === target ? "(self)" : fmt(cell(`transfer-from-${s}`, b, target)?.test))).join(" | ")} |`);
    }
    lines.push("");
  }
  const missing = report.runs.filter((r) => !r.ok && /^not run/.test(r.error ?? ""));
  if (missing.length) lines.push(`**Not run (time ran out): ${missing.length} of ${report.runs.length} runs** (${[...new Set(missing.map((r) => `seed ${r.seed}`))].join(", ")}); the same \`s3pet sweep\` command resumes the grid and runs only these.`, "");
  const failures = report.runs.filter((r) => !r.ok && !/^not run/.test(r.error ?? ""));
  if (failures.length) lines.push(`Failed runs (${failures.length}): ${failures.slice(0, 12).map((r) => `${r.id} (${r.error ?? "not run"})`).join("; ")}${failures.length > 12 ? "; ..." : ""}`, "");
  return lines.join("\n");
}

/** The bullet list under a quality section's heading: how the runs were made and read, when, on what, with
 *  which flags. */
export function protocolLines(report) {
  const { summary, protocol } = report;
  const tasks = protocol.tasks;
  const capped = protocol.flags.length > 0;
  const ns = summary.cells.map((c) => c.n);
  const lines = [];
  if (report.sweep) {
    for (const c of report.sweep) lines.push(`- Runs: \`${c} --workers ${protocol.jobs}\` (resumable: finished runs are skipped)`);
    lines.push(`- Report: \`${report.command}\``);
    lines.push(`- Date: ${report.date}; ${(report.seconds / 60).toFixed(0)} min wall time for ${report.runs.filter((r) => r.ok).length} runs, up to ${protocol.jobs} at a time`);
  } else {
    lines.push(`- Command: \`${report.command}\` (finished runs are reused, so it resumes; ${(report.seconds / 60).toFixed(0)} min for this invocation)`);
    lines.push(`- Date: ${report.date}`);
  }
  lines.push(`- Machine: ${machineLine(report)}`);
  lines.push(`- Backbone: ${int(summary.backboneParams)} parameters. Tasks: ${tasks.map((t) => `\`${t}\` (majority baseline ${summary.majority[t]?.toFixed(3) ?? "–"})`).join(", ")}`);
  const ranks = protocol.loraRank ? `; LoRA rank in the search spaces and random structures: ${Object.entries(protocol.loraRank).map(([b, r]) => `${r} at ${b}`).join(", ")}` : "";
  lines.push(`- Budgets: ${protocol.budgets.join(", ")}${ranks}; seeds ${protocol.seeds.join(", ")} (n per cell: ${Math.min(...ns)}-${Math.max(...ns)})`);
  lines.push(capped ? `- Every run used \`${protocol.flags.join(" ")}\`; everything else at the CLI's defaults.` : "- Every run at the CLI's defaults.");
  if (protocol.searchFlags?.length) lines.push(`- Search runs also used \`${protocol.searchFlags.join(" ")}\` (the search phase only; their re-training runs \`--epochs\` like the train runs).`);
  if (protocol.fullLr) lines.push(`- Full fine-tuning used \`--lr ${protocol.fullLr}\` (the PET rows' rate would wreck the whole backbone).`);
  return lines;
}

/** "win" / "tie" / "loss" of cell a against cell b (@s3pet/sweep's rule: means apart by more than the larger
 *  std), or null when either has fewer than 2 seeds. */
export function versus(a, b) {
  return compareSeedStats(a?.test, b?.test);
}

/** The machine and its load while the grid ran (mean and max of the 1-minute load average when logged). */
export function machineLine(report) {
  const m = report.machine;
  const load = m.load
    ? `load average (1 min) while it ran: mean ${m.load.mean.toFixed(1)}, max ${m.load.max.toFixed(1)} (${m.load.samples} samples)`
    : `load average ${m.load1AtStart !== undefined ? `at the start ${m.load1AtStart.toFixed(1)}, ` : ""}at the end ${m.load1AtEnd.toFixed(1)}`;
  return `${m.cores} x ${m.cpu}, ${m.memoryGiB.toFixed(1)} GiB, Node ${m.node}; ${load}`;
}
