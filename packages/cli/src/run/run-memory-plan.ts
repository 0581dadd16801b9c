// The memory plan of a run, made before the engine starts (no run directory yet): a run that would
// not fit stops with one line (exit 2). `inspect` and `doctor --model` show the same plans.
import { totalmem } from "node:os";
import {
  assertPlanFits,
  describeMemoryPlan,
  maxWorkersThatFit,
  planRunMemory,
  resolveStructure,
  SearchSpace,
  workerMemoryLimit,
  type BackboneMemoryProfile,
  type Candidate,
  type MemoryPlan,
  type PetMethod,
  type Site,
} from "@s3pet/core";
import { valueOf } from "../run-config/resolve-run-options.js";
import { declaredDefault, type FlagValues } from "../run-config/run-flags.js";

/** What the plan needs of a loaded backbone. */
export interface PlannedBackbone {
  readonly params: number;
  readonly hiddenSize: number;
  readonly sites: readonly Site[];
  /** null: the backbone gives no profile (no plan is made). */
  readonly memory: BackboneMemoryProfile | null;
}

export interface RunShape {
  readonly candidates: readonly Candidate[];
  /** The search's supernet (gates trained with the modules). */
  readonly gated: boolean;
  readonly full: boolean;
  readonly batchSize: number;
  readonly length: number;
  readonly numLabels: number;
  readonly workers?: number;
}

/** The plan of `shape` on `backbone` and `backendName`, or null when the backbone gives no profile. */
export function runMemoryPlan(backbone: PlannedBackbone, backendName: string, shape: RunShape): MemoryPlan | null {
  if (backbone.memory === null) return null;
  const H = backbone.hiddenSize;
  return planRunMemory({
    profile: backbone.memory,
    candidates: shape.candidates,
    gated: shape.gated,
    full: shape.full,
    backboneParams: backbone.params,
    headParams: H * H + H * (shape.numLabels + 1), // pooler-sized dense + classifier: an upper bound
    batchSize: shape.batchSize,
    length: shape.length,
    workers: shape.workers ?? 1,
    workerLimitBytes: workerMemoryLimit(backendName, totalmem()),
  });
}

/** `shape` as each of `workers` data-parallel units sees it: the largest shard of the batch. */
export function perWorkerShape(shape: RunShape, workers: number): RunShape {
  return { ...shape, batchSize: Math.ceil(shape.batchSize / workers), workers };
}

/**
 * Whether `workers` units, each planned at its shard of the batch, fit: each within its own limit and
 * all of them within this machine's memory (no plan: they fit).
 */
export function workersFit(backbone: PlannedBackbone, backendName: string, shape: RunShape): (workers: number) => boolean {
  return (workers) => {
    const plan = runMemoryPlan(backbone, backendName, perWorkerShape(shape, workers));
    return plan === null || (plan.fits && maxWorkersThatFit(plan, totalmem()) >= workers);
  };
}

/** Throws the one-line MemoryPlanError when the run would not fit. */
export function checkMemoryPlan(backbone: PlannedBackbone, backendName: string, shape: RunShape, what: string): MemoryPlan | null {
  const plan = runMemoryPlan(backbone, backendName, shape);
  if (plan !== null) assertPlanFits(plan, what);
  return plan;
}

/** The batch shape of `inspect`'s and `doctor`'s plans: --batch-size and --max-length, or the run defaults. */
export function planShape(values: { readonly "batch-size"?: string | undefined; readonly "max-length"?: string | undefined }): { batchSize: number; length: number } {
  const flags = values as FlagValues;
  return {
    batchSize: valueOf<number>(flags, "batch-size") ?? declaredDefault<number>("batch-size"),
    length: valueOf<number>(flags, "max-length") ?? declaredDefault<number>("max-length"),
  };
}

/** The plans `inspect` and `doctor --model` show: a search over `methods` and LoRA's preset, at one batch shape. */
export function typicalPlans(
  backbone: PlannedBackbone,
  backendName: string,
  methods: readonly PetMethod[],
  shape: { batchSize: number; length: number },
): { name: string; plan: MemoryPlan }[] {
  if (backbone.memory === null) return []; // no profile, no plan (and presets need not match its sites)
  const base = { ...shape, numLabels: 2, full: false };
  const plans: { name: string; plan: MemoryPlan | null }[] = [
    { name: "search", plan: runMemoryPlan(backbone, backendName, { ...base, gated: true, candidates: SearchSpace.build(backbone.sites, methods).candidates }) },
  ];
  if (methods.some((m) => m.presets?.some((p) => p.name === "lora"))) {
    const lora = resolveStructure({ kind: "preset", name: "lora" }, backbone.sites, methods, { seed: 0, include: [], exclude: [], methodOptions: {} }, null);
    plans.push({ name: "train lora", plan: runMemoryPlan(backbone, backendName, { ...base, gated: false, candidates: lora.candidates }) });
  }
  return plans.filter((p): p is { name: string; plan: MemoryPlan } => p.plan !== null);
}

/** One line per plan: the estimate, whether it fits, and how many workers would fit this machine. */
export function formatPlans(plans: readonly { name: string; plan: MemoryPlan }[]): string[] {
  return plans.map(({ name, plan }) => {
    const verdict = plan.fits ? `fits; ${maxWorkersThatFit(plan, totalmem())} worker(s) fit in this machine's memory` : "does NOT fit";
    return `${name.padEnd(10)} ${describeMemoryPlan(plan)} · ${verdict}`;
  });
}

/** The plan as JSON (bytes). */
export function planJson(plan: MemoryPlan): Record<string, number | boolean> {
  const { weights, activations, workspace, optimiser, perWorker, total, fits } = plan;
  return { batchSize: plan.input.batchSize, length: plan.input.length, weights, activations, workspace, optimiser, perWorker, total, limitPerWorker: plan.input.workerLimitBytes, fits };
}
