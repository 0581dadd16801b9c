// The start of every run: run.json written (fresh) or extended with the resume time, then the
// `run-start` event (its hooks open events.jsonl and candidates.json).
import * as tf from "@tensorflow/tfjs";
import type { CandidateInfo, RunInfo } from "../events/events.js";
import type { HookRunner } from "../hooks/hook-runner.js";
import type { EngineDeps } from "./engine-deps.js";
import type { ResolvedRunConfig } from "./run-config.js";
import type { RunDir, RunJson } from "./run-dir.js";
import type { RunUnits } from "./run-units.js";

export interface RunStartArgs {
  readonly config: ResolvedRunConfig;
  readonly deps: EngineDeps;
  readonly runDir: RunDir;
  readonly hooks: HookRunner;
  readonly resumed: boolean;
  readonly backbone: string;
  readonly backboneParams: number;
  readonly budget: number | null;
  readonly methods: readonly string[];
  readonly candidates: readonly CandidateInfo[];
  readonly units: RunUnits;
}

export async function recordRunStart(a: RunStartArgs): Promise<RunInfo> {
  const backend = tf.getBackend();
  const now = new Date().toISOString();
  const name = a.config.name || a.runDir.path.split(/[\\/]/).filter(Boolean).pop() || "run";
  const previous = a.resumed ? a.runDir.readRunJson() : null;
  const run: RunJson = {
    format: 1,
    name,
    command: a.config.command,
    config: previous?.config ?? a.config,
    backbone: a.backbone,
    model: a.deps.provenance?.model ?? null,
    backboneParams: a.backboneParams,
    task: a.deps.task.name,
    metric: a.deps.task.objective.metric,
    methods: a.methods,
    backend,
    versions: { tfjs: tf.version.tfjs, node: process.versions.node, ...(a.deps.provenance?.versions ?? {}) },
    seed: a.config.seed,
    workers: a.units.workers,
    microBatchSize: a.units.microBatchSize,
    startedAt: previous?.startedAt ?? now,
    resumedAt: previous ? [...(previous.resumedAt ?? []), now] : [],
  };
  a.runDir.writeRunJson(run);
  const info: RunInfo = {
    name,
    command: a.config.command,
    outDir: a.runDir.path,
    backbone: a.backbone,
    task: a.deps.task.name,
    metric: a.deps.task.objective.metric,
    backend,
    methods: a.methods,
    budget: a.budget,
    backboneParams: a.backboneParams,
    seed: a.config.seed,
    workers: a.units.workers,
    microBatchSize: a.units.microBatchSize,
  };
  await a.hooks.publish({ type: "run-start", time: Date.now(), run: info, candidates: a.candidates, resumed: a.resumed });
  return info;
}

/** Peak resident set size of this process, in MiB. */
export function peakRssMB(): number {
  return Math.round((process.resourceUsage().maxRSS / 1024) * 10) / 10;
}
