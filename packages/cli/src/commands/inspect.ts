// `s3pet inspect`: the backbone as a folded tree (identical layers shown once, like OpenDelta's
// structure graph) with every site's kind and dims, then per method the candidates it would add to a
// search, their parameters, and with --budget how many would fit. --json is a contract for scripts.
import { resolve } from "node:path";
import { initBackend, parseBudget, SearchSpace, siteDims, type Site } from "@s3pet/core";
import { formatCount, formatPercent } from "@s3pet/dashboard";
import { findAssetDir } from "@s3pet/data";
import { checkpointModelType, loadPretrained, readT5Config, t5Description, t5ParamCount, t5Sites } from "@s3pet/models";
import { S3petInputError } from "@s3pet/core";
import { defineCommand, type OptionSpecs } from "../cli/command.js";
import { methodOptionFlags, methodOptionsFrom } from "../run-config/method-option-flags.js";
import { MEMORY_PLAN_FLAGS, runFlag } from "../run-config/run-flags.js";
import { selectMethods } from "../run/prepare-run.js";
import { formatPlans, planJson, planShape, typicalPlans, type PlannedBackbone } from "../run/run-memory-plan.js";

const options = {
  model: runFlag("model"),
  methods: runFlag("methods"),
  budget: runFlag("budget", { doc: "show how many candidates of each method fit in this budget", defaultText: "" }),
  include: runFlag("include"),
  exclude: runFlag("exclude"),
  ...MEMORY_PLAN_FLAGS,
  json: { type: "boolean", description: 'print {"backboneParams", "sites", "candidates", "memory"} as JSON' },
  ...(await methodOptionFlags()),
} as const satisfies OptionSpecs;

export const inspect = defineCommand({
  name: "inspect",
  summary: "show the backbone's sites and the candidates each method adds to a search",
  description:
    "Prints the backbone as a folded tree (repeated layers once) with each site's kind and dims, then per PET method " +
    "its candidates (sites of its kinds, narrowed by --include/--exclude) and their parameters under its options.",
  options,
  examples: [
    { command: "s3pet inspect", description: "the embedded backbone with every installed method" },
    { command: "s3pet inspect --budget 0.1% --methods lora,bitfit", description: "how many LoRA and BitFit modules fit in 0.1%" },
    { command: "s3pet inspect --model ./bert-base --lora.rank 4 --json", description: "machine-readable sites and candidates" },
  ],
  async run({ values }, io) {
    const modelDir = values.model !== undefined ? resolve(io.cwd, values.model) : findAssetDir("backbone");
    if (!modelDir) throw new S3petInputError("--model: the embedded backbone (assets/backbone) is not reachable from here; pass --model <checkpoint dir>");
    const names = values.methods === undefined ? null : values.methods.split(",").map((s) => s.trim()).filter(Boolean);
    const { methods } = await selectMethods(names);
    const backend = await initBackend();
    const { description, planned } = plannedBackbone(modelDir);
    const { sites, params: backboneParams } = planned;
    const shape = planShape(values);
    const plans = typicalPlans(planned, backend.name, methods, shape);
    const methodOptions = methodOptionsFrom(values);
    const space = SearchSpace.build(sites, methods, { include: (values.include as string[] | undefined) ?? [], exclude: (values.exclude as string[] | undefined) ?? [], methodOptions });
    const candidates = space.candidates.map((c) => ({ site: c.site.name, method: c.method.name, options: c.options, params: c.params, ...(c.variant ? { variant: c.variant } : {}) }));
    if (values.json) {
      const memory = Object.fromEntries(plans.map(({ name, plan }) => [name, planJson(plan)]));
      io.stdout.write(`${JSON.stringify({ backboneParams, sites: sites.map((s) => ({ name: s.name, kind: s.kind, dims: siteDims(s) })), candidates, memory })}\n`);
      return;
    }
    const budget = values.budget === undefined ? null : parseBudget(values.budget, backboneParams).params;
    io.stdout.write(
      [
        `backbone  ${description} · ${formatCount(backboneParams)} params · ${modelDir}`,
        "",
        ...foldedTree(sites),
        "",
        ...candidateTable(methods.map((m) => m.name), candidates, budget, backboneParams),
        "",
        `memory (${backend.name}, estimated peak per worker)`,
        ...(plans.length > 0 ? formatPlans(plans).map((l) => `  ${l}`) : ["  no estimate: this backbone gives no memory profile"]),
        "",
      ].join("\n"),
    );
  },
});

/**
 * The backbone's description, sites, parameters and memory profile. A T5 is described from config.json
 * alone (its sites and parameters follow from the architecture), so a config without weights is enough.
 */
function plannedBackbone(modelDir: string): { description: string; planned: PlannedBackbone } {
  if (checkpointModelType(modelDir) === "t5") {
    const config = readT5Config(modelDir);
    return { description: t5Description(config), planned: { params: t5ParamCount(config), hiddenSize: config.dModel, sites: t5Sites(config), memory: null } };
  }
  const { model } = loadPretrained(modelDir);
  try {
    return { description: model.description, planned: { params: model.paramCount(), hiddenSize: model.hiddenSize, sites: model.sites(), memory: model.memoryProfile() } };
  } finally {
    model.dispose();
  }
}

/** Sites as a tree: sites outside layers as they come, runs of identical layers folded into one block. */
function foldedTree(sites: readonly Site[]): string[] {
  const lines: string[] = [];
  const rows = (list: readonly Site[], prefix: (s: Site) => string) => list.map((s) => [prefix(s), s.kind, describeDims(s)] as const);
  const out: (readonly [string, string, string])[] = [];
  let i = 0;
  while (i < sites.length) {
    const site = sites[i]!;
    if (site.layer === null) {
      out.push(...rows([site], (s) => s.name));
      i++;
      continue;
    }
    // One layer's sites, then as many following layers with the same positions, kinds and dims.
    const layerOf = (from: number) => {
      const layer = sites[from]!.layer;
      let end = from;
      while (end < sites.length && sites[end]!.layer === layer) end++;
      return sites.slice(from, end);
    };
    const first = layerOf(i);
    const signature = (layer: readonly Site[]) => layer.map((s) => `${s.position}|${s.kind}|${describeDims(s)}`).join(";");
    let next = i + first.length;
    let last = first[0]!.layer!;
    while (next < sites.length && sites[next]!.layer === last + 1) {
      const layer = layerOf(next);
      if (signature(layer) !== signature(first)) break;
      last++;
      next += layer.length;
    }
    const stem = first[0]!.name.slice(0, first[0]!.name.length - first[0]!.position.length).replace(/\d+\.$/, "");
    // The block number in the name (a T5 decoder's block 0 is layer numEncoderLayers), else the layer.
    const index = (s: Site) => Number(/(\d+)\.$/.exec(s.name.slice(0, s.name.length - s.position.length))?.[1] ?? s.layer);
    const [from, to] = [index(first[0]!), index(first[0]!) + (last - first[0]!.layer!)];
    const span = from === to ? `${from}` : `${from}-${to}`;
    const count = last - first[0]!.layer! + 1;
    out.push([`${stem}{${span}}`, count > 1 ? `×${count}` : "", ""]);
    first.forEach((s, k) => out.push([`${k === first.length - 1 ? "└─" : "├─"} ${s.position}`, s.kind, describeDims(s)]));
    i = next;
  }
  const w0 = Math.max(...out.map((r) => r[0].length));
  const w1 = Math.max(...out.map((r) => r[1].length));
  for (const [a, b, c] of out) lines.push(`${a.padEnd(w0)}  ${b.padEnd(w1)}  ${c}`.trimEnd());
  return lines;
}

function describeDims(s: Site): string {
  switch (s.kind) {
    case "linear":
      return `${s.dIn} → ${s.dOut}`;
    case "attention":
      return `${s.heads} heads × ${s.headDim} (hidden ${s.hidden})`;
    case "residual":
    case "norm":
    case "activation":
      return `dim ${s.dim}`;
    case "embedding":
      return `dim ${s.dim}, vocab ${s.vocabSize}`;
  }
}

interface CandidateRow {
  readonly method: string;
  readonly options: Readonly<Record<string, unknown>>;
  readonly params: number;
  /** Set when the method is in the space with several option values (one row each). */
  readonly variant?: string;
}

/** Per method (and option variant): candidates, parameters each and together, and (with a budget) how many fit, cheapest first. */
function candidateTable(methods: readonly string[], candidates: readonly CandidateRow[], budget: number | null, backboneParams: number): string[] {
  const header = ["method", "options", "candidates", "params each", "all together", ...(budget === null ? [] : [`fit in ${formatCount(budget)} (${formatPercent(budget / backboneParams)})`])];
  const groups = methods.flatMap((name) => [...new Set(candidates.filter((c) => c.method === name).map((c) => c.variant))].map((variant) => ({ name, variant })));
  const rows = groups.map(({ name, variant }) => {
    const mine = candidates.filter((c) => c.method === name && c.variant === variant);
    const params = mine.map((c) => c.params).sort((a, b) => a - b);
    const lo = params[0] ?? 0;
    const hi = params.at(-1) ?? 0;
    let fit = 0;
    for (let used = 0; fit < params.length && used + params[fit]! <= (budget ?? 0); fit++) used += params[fit]!;
    const options = Object.entries(mine[0]?.options ?? {}).map(([k, v]) => `${k}=${String(v)}`).join(" ");
    return [name, options, String(mine.length), lo === hi ? formatCount(lo) : `${formatCount(lo)}–${formatCount(hi)}`, formatCount(params.reduce((a, b) => a + b, 0)), ...(budget === null ? [] : [String(fit)])];
  });
  const all = [header, ...rows];
  const w = header.map((_, c) => Math.max(...all.map((r) => r[c]!.length)));
  const right = (c: number) => c >= 2;
  return [`candidates: ${candidates.length} (site × method, options as given)`, ...all.map((r) => r.map((cell, c) => (right(c) ? cell.padStart(w[c]!) : cell.padEnd(w[c]!))).join("  ").trimEnd()).map((l) => `  ${l}`)];
}

