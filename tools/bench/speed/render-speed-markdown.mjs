// @ts-check
// The "Speed" section of docs/BENCHMARKS.md from a speed.mjs report: the (a)-(e) table with the
// ours / torch step-time ratios, sequence-length and candidate-count scaling, and the machine facts.

import { f1, int, reportFacts } from "./report-facts.mjs";

export function renderSpeedMarkdown(report) {
  const ok = report.results.filter((r) => !r.error);
  // Early reports put the search budget into the id (`...:--budget 0.1%`): ignore it.
  const find = (id) => ok.find((r) => r.id.replace(/:--budget \S+$/, "") === id);
  const phase = (r, name) => r?.steps?.[name];
  const torchMs = (kind, seq) => phase(find(`torch:${kind}:seq${seq}`), kind === "forward" ? "forward" : "train")?.medianMs;
  const torchRow = ok.find((r) => r.runner === "torch");
  const lines = [];
  lines.push("## Speed", "");
  lines.push(
    "Step time, tokens/s and peak memory of the engine's own steps (the `step` events of `runTrain`/`runSearch`, which time",
    "the step alone) on synthetic fixed-shape batches (batch 16, every row the full sequence length, no padding), next to a",
    "PyTorch CPU reference of the same model, weights and batches (`tools/bench/speed/torch_reference.py`: numpy safetensors",
    "reader, functional BERT, AdamW + grad-norm clip 2.0 like the engine). Each case is its own process, run one at a time.",
    "",
    "The torch side is benchmark-only (CI never needs it). To run it: `apt-get update && apt-get install -y python3-torch",
    "libopenblas0-pthread` (Debian's torch uses whatever `libblas.so.3` is installed; without OpenBLAS it falls back to the",
    "slow reference BLAS), then the command below runs both frameworks with `/usr/bin/python3`. Without torch the tfjs rows",
    "still run and the ratio column stays empty.",
    "",
  );
  const wasm = ok.find((r) => r.backend?.name === "wasm");
  const tfjs = wasm ? [`tfjs: ${wasm.backend.tfjs}, wasm SIMD ${wasm.backend.simd}, ${wasm.backend.threads} thread; cpu = the pure-JS backend`] : [];
  lines.push(...reportFacts(report, [`Model: ${report.modelNote}`, ...tfjs], torchRow));
  lines.push(
    `- **Load:** 1-minute load average between ${f1(Math.min(...ok.map((r) => Math.min(r.load1Before, r.load1After))))} and ${f1(report.machine.maxLoad1)} during the cases (2 cores; above ~1.5 other processes were competing for the CPU and every time here is inflated by them)`,
  );
  const parity = pooledParity(find("wasm:forward:seq64"), find("torch:forward:seq64"));
  if (parity !== null) lines.push(`- Same model check: max |pooled output difference| tfjs-wasm vs torch on the benchmark batch = ${parity.toExponential(1)}`);
  if (report.quick) lines.push("- **Quick run** (`--quick`: 2 timed steps per case): a smoke test of the harness, not a measurement.");
  lines.push("");

  lines.push("### (a)-(e) at batch 16 x seq 64 (1,024 tokens per batch; a search step processes an A and a W batch)", "");
  lines.push("| | runner | trainable params | step ms, median (min-max, n) | tokens/s | ours ÷ torch step time | peak RSS MiB | tf live MiB |");
  lines.push("|---|---|---|---|---|---|---|---|");
  const rows = [
    ["(a) forward", "forward", "forward", "forward"],
    ["(b) LoRA step", "lora", "train", "lora"],
    ["(c) full fine-tuning step", "full", "train", "full"],
    ["(d) bi-level search step, mixed space", "search", "search", null],
    ["(e) re-training step (searched structure)", "search", "retrain", null],
  ];
  for (const [label, kind, ph, torchKind] of rows) {
    for (const backend of ["wasm", "cpu"]) {
      const r = find(`${backend}:${kind}:seq64`);
      const s = phase(r, ph);
      if (!s) continue;
      const t = torchKind ? torchMs(torchKind, 64) : undefined;
      const params = ph === "search" ? `${int(r.candidates)} candidates` : ph === "forward" ? "–" : int(r.trainableParams ?? r.structure?.params);
      lines.push(`| ${label} | tfjs ${backend} | ${params} | ${timeCell(s)} | ${int(s.tokensPerSecond)} | ${t ? `${(s.medianMs / t).toFixed(2)}x` : "–"} | ${int(r.memory.peakRssMiB)} | ${f1(s.liveTfMiB ?? r.memory.tfNumBytesMiB)} |`);
    }
    if (torchKind) {
      const r = find(`torch:${torchKind}:seq64`);
      const s = phase(r, ph === "forward" ? "forward" : "train");
      if (s) lines.push(`| ${label} | torch | ${ph === "forward" ? "–" : int(r.trainableParams)} | ${timeCell(s)} | ${int(s.tokensPerSecond)} | 1 | ${int(r.memory.peakRssMiB)} | – |`);
    }
  }
  const search = find("wasm:search:seq64");
  if (search?.structure) lines.push("", `(e) re-trains the structure discretised after the capped search: ${search.structure.modules} modules, ${int(search.structure.params)} parameters at a budget of ${int(search.structure.budget)} parameters.`);
  lines.push("");

  const seqs = [32, 64, 128];
  lines.push("### Step time against sequence length (batch 16, wasm)", "");
  lines.push("| seq | LoRA step ms | torch LoRA step ms | ours ÷ torch | search step ms (mixed space) |", "|---|---|---|---|---|");
  for (const seq of seqs) {
    const l = phase(find(`wasm:lora:seq${seq}`), "train")?.medianMs;
    const t = torchMs("lora", seq);
    const s = phase(find(`wasm:search:seq${seq}`), "search")?.medianMs;
    lines.push(`| ${seq} | ${f1(l)} | ${f1(t)} | ${l && t ? `${(l / t).toFixed(2)}x` : "–"} | ${f1(s)} |`);
  }
  lines.push("");

  lines.push("### Search step time against the number of candidates (batch 16 x seq 64, wasm)", "");
  lines.push("| methods | candidates | search step ms | re-training step ms |", "|---|---|---|---|");
  const cand = ok.filter((r) => r.case === "search" && r.seq === 64 && r.backend?.name === "wasm").sort((a, b) => a.candidates - b.candidates);
  for (const r of cand.filter((r) => r.methods)) {
    lines.push(`| ${r.methods.join(", ")} | ${int(r.candidates)} | ${f1(phase(r, "search")?.medianMs)} | ${f1(phase(r, "retrain")?.medianMs)} |`);
  }
  const failed = report.results.filter((r) => r.error);
  if (failed.length) lines.push("", `Failed cases: ${failed.map((r) => `${r.id} (${r.error})`).join("; ")}`);
  lines.push("");
  return lines.join("\n");
}

function timeCell(s) {
  return `${f1(s.medianMs)} (${f1(s.minMs)}-${f1(s.maxMs)}, n=${s.n})`;
}

function pooledParity(a, b) {
  if (!a?.pooledSample || !b?.pooledSample) return null;
  return a.pooledSample.reduce((m, v, i) => Math.max(m, Math.abs(v - b.pooledSample[i])), 0);
}
