// @ts-check
// The "Speed at real sizes" section of docs/BENCHMARKS.md from a `speed.mjs --suite real-sizes` report:
// per backbone (embedded at 16 x 64, bert-base-shaped at 16 x 128) and worker count, the LoRA, full
// fine-tuning, search and re-training steps with their matmul-roofline share, next to torch.

import { f1, int, reportFacts } from "./report-facts.mjs";

const f2 = (x) => (Number.isFinite(x) ? x.toFixed(2) : "–");
const pct = (x) => (Number.isFinite(x) ? `${Math.round(100 * x)}%` : "–");

const GROUPS = [
  ["embedded", "Embedded backbone (4 x 128), batch 16 x 64"],
  ["bert-base", "bert-base-shaped backbone (12 x 768, random weights), batch 16 x 128"],
  ["t5-small", "t5-small-shaped T5 (6 + 6 blocks x 512, random weights), batch 16 x 64"],
];
const STEPS = [
  ["forward (encoder + one decoder step, no tape)", "forward", "forward", null],
  ["LoRA step (r=8 on query/value)", "lora", "train", "lora"],
  ["full fine-tuning step", "full", "train", "full"],
  ["bi-level search step, mixed space (A + W batch)", "search", "search", null],
  ["re-training step (searched structure)", "search", "retrain", null],
];

export function renderRealSizesMarkdown(report) {
  const ok = report.results.filter((r) => !r.error);
  const find = (id) => ok.find((r) => r.id === id);
  const workerCounts = [...new Set(ok.filter((r) => r.runner === "tfjs").map((r) => r.workers ?? 1))].sort((a, b) => a - b);
  const lines = ["## Speed at real sizes", ""];
  lines.push(
    "Step time of the engine's own steps on synthetic fixed-shape batches (every row the full length), for the embedded",
    "backbone and a bert-base-shaped checkpoint with random weights (speed depends on shapes only; made once in the temp",
    "directory by `initRandomBertModel` + `saveBackbone`), at each worker count, next to the PyTorch reference of",
    "the Speed section (same weights and batches). **Roofline share** = the step's matmul FLOPs / step time / the matmul",
    `GFLOP/s \`s3pet doctor\` measures (a ${ok.find((r) => r.roofline)?.roofline.shape ?? "1024x1024"} matmul), measured in the same process just before the steps, per worker. The FLOPs`,
    "are counted per matmul the step dispatches (2·M·N·K each): the forward pass plus the backward products tfjs keeps",
    "after pruning the tape to what reaches a trained weight (no gradient products for frozen weights, none below the",
    "lowest trained module). The wall share uses wall-clock step time and that roofline; the CPU share uses process",
    "CPU time for the step and for the same matmul, 1 worker only: it stays meaningful on a loaded machine, where",
    "wall time is inflated by the other processes.",
    "",
  );
  lines.push(...reportFacts(report, Object.values(report.models ?? {}).map((note) => `Model: ${note}`), ok.find((r) => r.runner === "torch")));
  const loads = ok.flatMap((r) => [r.load1Before, r.load1After]).filter(Number.isFinite);
  lines.push(
    `- **Load:** 1-minute load average ${f1(Math.min(...loads))}-${f1(Math.max(...loads))} on ${report.machine.cores} cores during the cases.` +
      // the cases' own units count too: a 2-worker case alone keeps a 2-core machine at load ~2
      (Math.max(...loads) > report.machine.cores + 1
        ? " The machine was shared (other jobs running): wall-clock times and the wall roofline share are inflated by the competition; the CPU columns are the better guide, and the final numbers belong to a re-run on an idle machine (the command above)."
        : " Nothing else ran (the cases' own worker threads make the load)."),
  );
  if (report.quick) lines.push("- **Quick run** (`--quick`): a smoke test of the harness, not a measurement.");
  lines.push("");

  for (const [group, title] of GROUPS) {
    if (!ok.some((r) => r.group === group)) continue;
    lines.push(`### ${title}`, "");
    lines.push("| step | workers | step ms, median (n) | CPU ms / step | tokens/s | matmul GFLOP / step | roofline GFLOP/s (wall / CPU) | roofline share wall / CPU | ours ÷ torch step time | vs 1 worker | peak RSS MiB |");
    lines.push("|---|---|---|---|---|---|---|---|---|---|---|");
    for (const [label, kind, ph, torchKind] of STEPS) {
      const torch = torchKind ? find(`${group}:torch:${torchKind}`)?.steps?.train : undefined;
      const one = find(`${group}:w1:${kind}`)?.steps?.[ph];
      for (const workers of workerCounts) {
        const r = find(`${group}:w${workers}:${kind}`);
        const s = r?.steps?.[ph];
        if (!s) {
          const failed = report.results.find((x) => x.id === `${group}:w${workers}:${kind}` && x.error);
          if (failed && ph !== "retrain") lines.push(`| ${label} | ${workers} | failed: ${failed.error} | | | | | | | | |`);
          continue;
        }
        const gflop = s.executedMatmulGflop;
        const wallShare = gflop / (s.medianMs / 1000) / r.roofline.gflops;
        const cpuShare = workers === 1 ? gflop / (s.cpuMedianMs / 1000) / r.roofline.cpuGflops : NaN;
        const vsTorch = torch ? `${f2(s.medianMs / torch.medianMs)}x` : "–";
        const scaling = one && workers > 1 ? `${f2(one.medianMs / s.medianMs)}x` : "–";
        lines.push(
          `| ${label} | ${workers} | ${f1(s.medianMs)} (n=${s.n}) | ${workers === 1 ? f1(s.cpuMedianMs) : "–"} | ${int(s.tokensPerSecond)} | ${f1(gflop)} | ${f1(r.roofline.gflops)} / ${f1(r.roofline.cpuGflops)} | ${pct(wallShare)} / ${pct(cpuShare)} | ${vsTorch} | ${scaling} | ${int(r.memory.peakRssMiB)} |`,
        );
      }
      if (torch) {
        const t = find(`${group}:torch:${torchKind}`);
        lines.push(`| ${label} | torch | ${f1(torch.medianMs)} (n=${torch.n}) | – | ${int(torch.tokensPerSecond)} | – | – | – | 1 | – | ${int(t.memory.peakRssMiB)} |`);
      }
    }
    const search = find(`${group}:w1:search`);
    if (search?.structure) lines.push("", `Re-training runs the structure discretised after the capped search: ${search.structure.modules} modules, ${int(search.structure.params)} parameters (budget ${int(search.structure.budget)}; ${int(search.candidates)} candidates).`);
    lines.push("");
  }
  const failed = report.results.filter((r) => r.error);
  if (failed.length) lines.push(`Failed cases: ${failed.map((r) => `${r.id} (${r.error})`).join("; ")}`, "");
  return lines.join("\n");
}
