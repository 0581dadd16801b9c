// The memory plan of a run, made before the engine starts (no run directory yet): a run that would
// not fit stops with one line (exit 2). `inspect` and `doctor --model` show the same plans.
import { totalmem } from "node:os";
import {
  assertPlanFits,
  describeMemoryPlan,
  planRunMemory,
  resolveRunUnits,
  resolveStructure,
  SearchSpace,
  shardSize,
  workerMemoryLimit,
  type BackboneMemoryProfile,
  type Candidate,
  type MemoryPlan,
  type PetMethod,
  type RunUnits,
  type Site,
  type UnitsFit,
} from "@s3pet/core";
import { valueOf } from "../run-config/resolve-run-options.js";
import { declaredDefault, type FlagValues, type MEMORY_PLAN_FLAGS } from "../run-config/run-flags.js";

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
  /** The search's second-order structure step. */
  readonly secondOrder?: boolean;
  readonly full: boolean;
  /** Examples per step, over all units. */
  readonly batchSize: number;
  readonly length: number;
  readonly numLabels: number;
}

/** --workers and --micro-batch-size as given (null and "auto": the plan decides). */
export interface RequestedUnits {
  readonly workers: number | null;
  readonly microBatchSize: number | "auto";
}

/**
 * The plan of one of `units.workers` units running `shape` in micro-batches of `units.microBatchSize`
 * (default: one unit, whole batch), on `backbone` and `backendName`; null when the backbone gives no profile.
 */
export function runMemoryPlan(backbone: PlannedBackbone, backendName: string, shape: RunShape, units: RunUnits = { workers: 1, microBatchSize: shape.batchSize }): MemoryPlan | null {
  if (backbone.memory === null) return null;
  const H = backbone.hiddenSize;
  const machineBytes = totalmem();
  return planRunMemory({
    profile: backbone.memory,
    candidates: shape.candidates,
    gated: shape.gated,
    secondOrder: shape.secondOrder ?? false,
    full: shape.full,
    backboneParams: backbone.params,
    headParams: H * H + H * (shape.numLabels + 1), // pooler-sized dense + classifier: an upper bound
    batchSize: units.microBatchSize,
    shardSize: shardSize(shape.batchSize, units.workers),
    length: shape.length,
    workers: units.workers,
    workerLimitBytes: workerMemoryLimit(backendName, machineBytes),
    machineBytes,
  });
}

/** Whether `workers` units at micro-batch `m` fit: each within its own limit and all within this machine's memory (no plan: they fit). */
export function unitsFit(backbone: PlannedBackbone, backendName: string, shape: RunShape): UnitsFit {
  return (workers, microBatchSize) => runMemoryPlan(backbone, backendName, shape, { workers, microBatchSize })?.fits ?? true;
}

/** The workers and micro-batch the engine will choose for `requested` (the CLI always gives a worker recipe). */
export function plannedUnits(backbone: PlannedBackbone, backendName: string, shape: RunShape, requested: RequestedUnits): RunUnits {
  return resolveRunUnits(requested, shape.batchSize, true, unitsFit(backbone, backendName, shape));
}

/** Throws the one-line MemoryPlanError when the run would not fit at the units it would run on. */
export function checkMemoryPlan(backbone: PlannedBackbone, backendName: string, shape: RunShape, requested: RequestedUnits, what: string): MemoryPlan | null {
  const plan = runMemoryPlan(backbone, backendName, shape, plannedUnits(backbone, backendName, shape, requested));
  if (plan !== null) assertPlanFits(plan, what, requested.microBatchSize !== "auto");
  return plan;
}

/** The batch shape and units of `inspect`'s and `doctor`'s plans: their flags, or the run defaults. */
export function planShape(values: { readonly [K in keyof typeof MEMORY_PLAN_FLAGS]?: string | undefined }): { batchSize: number; length: number; requested: RequestedUnits } {
  const flags = values as FlagValues;
  return {
    batchSize: valueOf<number>(flags, "batch-size") ?? declaredDefault<number>("batch-size"),
    length: valueOf<number>(flags, "max-length") ?? declaredDefault<number>("max-length"),
    requested: { workers: valueOf<number>(flags, "workers") ?? null, microBatchSize: valueOf<number | "auto">(flags, "micro-batch-size") ?? "auto" },
  };
}

/** The plans `inspect` and `doctor --model` show: a search over `methods` and LoRA's preset, at one batch shape and the units the run would choose. */
export function typicalPlans(
  backbone: PlannedBackbone,
  backendName: string,
  methods: readonly PetMethod[],
  shape: { batchSize: number; length: number; requested: RequestedUnits },
): { name: string; plan: MemoryPlan }[] {
  if (backbone.memory === null) return []; // no profile, no plan (and presets need not match its sites)
  const base = { batchSize: shape.batchSize, length: shape.length, numLabels: 2, full: false };
  const planOf = (run: RunShape) => runMemoryPlan(backbone, backendName, run, plannedUnits(backbone, backendName, run, shape.requested));
  const plans: { name: string; plan: MemoryPlan | null }[] = [
    { name: "search", plan: planOf({ ...base, gated: true, candidates: SearchSpace.build(backbone.sites, methods).candidates }) },
  ];
  if (methods.some((m) => m.presets?.some((p) => p.name === "lora"))) {
    const lora = resolveStructure({ kind: "preset", name: "lora" }, backbone.sites, methods, { seed: 0, include: [], exclude: [], methodOptions: {} }, null);
    plans.push({ name: "train lora", plan: planOf({ ...base, gated: false, candidates: lora.candidates }) });
  }
  return plans.filter((p): p is { name: string; plan: MemoryPlan } => p.plan !== null);
}

/** One line per plan: the units, the estimate and whether it fits. */
export function formatPlans(plans: readonly { name: string; plan: MemoryPlan }[]): string[] {
  return plans.map(({ name, plan }) => {
    const { workers, batchSize } = plan.input;
    const verdict = plan.fits ? "fits" : "does NOT fit";
    return `${name.padEnd(10)} ${workers} worker${workers === 1 ? "" : "s"}, micro-batch ${batchSize}: ${describeMemoryPlan(plan)} · ${verdict}`;
  });
}

/** The plan as JSON (bytes). */
export function planJson(plan: MemoryPlan): Record<string, number | boolean> {
  const { weights, activations, workspace, optimiser, perWorker, total, fits } = plan;
  const { workers, batchSize: microBatchSize, shardSize: shard, length } = plan.input;
  return { workers, microBatchSize, shardSize: shard, length, weights, activations, workspace, optimiser, perWorker, total, limitPerWorker: plan.input.workerLimitBytes, fits };
}
