// @ts-check
// The "Quality" section of docs/BENCHMARKS.md from a quality.mjs report: the main table (rows x tasks,
// mean ± std of the re-trained test score over seeds, parameters used), the transfer table, and the
// win/tie/loss counts of S3PET against random structures and LoRA-only search at the same budget.

const fmt = (s) => (s ? `${s.mean.toFixed(3)} ± ${s.std.toFixed(3)}` : "–");
const int = (x) => (Number.isFinite(x) ? Math.round(x).toLocaleString("en-US") : "–");

const ROW_LABELS = {
  s3pet: "S3PET, mixed space",
  "s3pet-lora": "S3PET, LoRA only",
  random: "random structure, mixed space",
  lora: "LoRA r=8 on query/value (preset)",
  adapter: "Adapter after attention and FFN (preset)",
  bitfit: "BitFit, all biases (preset)",
  prefix: "Prefix on every layer (preset)",
  full: "full fine-tuning",
};

export function renderQualityMarkdown(report) {
  const { summary, protocol } = report;
  const tasks = protocol.tasks;
  const cell = (row, budget, task) => summary.cells.find((c) => c.row === row && (c.budget ?? "-") === (budget ?? "-") && c.task === task);
  const pct = (p) => {
    if (!summary.backboneParams || !Number.isFinite(p)) return "";
    const v = (100 * p) / summary.backboneParams;
    return `${v >= 10 ? v.toFixed(0) : v >= 1 ? v.toFixed(1) : v.toPrecision(2)}%`;
  };
  const capped = protocol.flags.length > 0;
  const ns = summary.cells.map((c) => c.n);
  const lines = ["## Quality", ""];
  lines.push(
    "Re-trained test accuracy (mean ± sample std over seeds) of every structure, each trained by the same protocol",
    "(`s3pet train` / the re-training phase of `s3pet search`: fresh modules, AdamW, best validation checkpoint scored on",
    "test). Parameters are the trainable PET parameters (the task head is trained too and reported apart), averaged over",
    "tasks and seeds; % is of the backbone's parameters.",
    "",
  );
  lines.push(`- Command: \`${report.command}\` (finished runs are reused, so it resumes; ${(report.seconds / 60).toFixed(0)} min for this invocation)`);
  lines.push(`- Date: ${report.date}`);
  lines.push(`- Machine: ${report.machine.cores} x ${report.machine.cpu}, ${report.machine.memoryGiB.toFixed(1)} GiB, Node ${report.machine.node}; ${protocol.jobs} runs in parallel; load average at the end ${report.machine.load1AtEnd.toFixed(1)}`);
  lines.push(`- Backbone: ${int(summary.backboneParams)} parameters. Tasks: ${tasks.map((t) => `\`${t}\` (majority baseline ${summary.majority[t]?.toFixed(3) ?? "–"})`).join(", ")}`);
  lines.push(`- Budgets: ${protocol.budgets.join(", ")}; LoRA rank in the search spaces and random structures: ${Object.entries(protocol.loraRank).map(([b, r]) => `${r} at ${b}`).join(", ")}; seeds ${protocol.seeds.join(", ")} (n per cell: ${Math.min(...ns)}-${Math.max(...ns)})`);
  lines.push(
    capped
      ? `- **Reduced grid**: every run used \`${protocol.flags.join(" ")}\` to fit the time available; the full protocol is the same command without those flags (CLI defaults: 3 epochs, max length 128, every example).`
      : "- Full protocol (CLI defaults: 3 epochs, max length 128, every example).",
  );
  if (protocol.searchFlags?.length) lines.push(`- Search runs also used \`${protocol.searchFlags.join(" ")}\` (re-training unchanged).`);
  if (protocol.fullLr) lines.push(`- Full fine-tuning used \`--lr ${protocol.fullLr}\` (the PET rows' rate would wreck the whole backbone).`);
  lines.push("");

  lines.push(`| structure | budget | params | ${tasks.join(" | ")} | average |`);
  lines.push(`|---|---|---|${tasks.map(() => "---|").join("")}---|`);
  const order = ["s3pet", "s3pet-lora", "random"];
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

  // S3PET against random and LoRA-only at the same budget, per task: win / tie / loss, where a tie
  // means the difference of the means is within the larger of the two stds.
  const duel = (other) => {
    let win = 0, tie = 0, loss = 0;
    for (const budget of protocol.budgets) for (const t of tasks) {
      const a = cell("s3pet", budget, t), b = cell(other, budget, t);
      if (!a?.test || !b?.test || a.n < 2 || b.n < 2) continue; // a std needs at least 2 seeds
      const d = a.test.mean - b.test.mean;
      const band = Math.max(a.test.std, b.test.std);
      if (Math.abs(d) <= band) tie++;
      else if (d > 0) win++;
      else loss++;
    }
    return `${win} wins, ${tie} ties, ${loss} losses`;
  };
  lines.push(`S3PET (mixed) over the ${protocol.budgets.length} budgets x ${tasks.length} tasks (cells with at least 2 seeds), where a tie is a difference within the larger std: against random structures ${duel("random")}; against LoRA-only search ${duel("s3pet-lora")}.`);
  lines.push("");

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
  if (missing.length) lines.push(`**Not run (time ran out): ${missing.length} of ${report.runs.length} runs** (${[...new Set(missing.map((r) => `seed ${r.seed}`))].join(", ")}); the same command (without \`--report-only\`) resumes the grid and runs only these.`, "");
  const failures = report.runs.filter((r) => !r.ok && !/^not run/.test(r.error ?? ""));
  if (failures.length) lines.push(`Failed runs (${failures.length}): ${failures.slice(0, 12).map((r) => `${r.id} (${r.error ?? "not run"})`).join("; ")}${failures.length > 12 ? "; ..." : ""}`, "");
  return lines.join("\n");
}
