// EngineDeps: everything the engine needs from the outside world, injected by the caller (the CLI).
// The core knows no backbone and no method by name (docs/ARCHITECTURE.md, convention §3): they arrive here as objects.
import type { DependencyContainer } from "tsyringe";
import type { Backbone, TaskHeadFactory } from "../backbone/backbone.js";
import type { SearchHook } from "../hooks/search-hook.js";
import type { PetMethod } from "../plugin/pet-method.js";
import type { TaskSplits } from "../task/task.js";
import type { UnitsFit } from "./run-units.js";

export interface EngineDeps {
  /** A fresh copy of the pretrained backbone on each call; `trainable` only for full fine-tuning. */
  createBackbone(opts: { trainable: boolean }): Backbone;
  /** Builds the task head (classifier or regressor) trained alongside the modules. */
  readonly createHead: TaskHeadFactory;
  readonly task: TaskSplits;
  /** The methods the search may use (resolved from plugins); `train` needs those its structure names. */
  readonly methods: readonly PetMethod[];
  /** The run directory (created if missing; a non-empty one needs `resume`). */
  readonly outDir: string;
  /** Extra lifecycle hooks, run after the core's own (docs/ARCHITECTURE.md, convention §4). */
  readonly hooks?: readonly SearchHook[];
  /** Called with the run's child container before anything is resolved (plugins' `register`). */
  readonly configureContainer?: (container: DependencyContainer) => void;
  /** How a data-parallel worker thread rebuilds `createBackbone`, `createHead`, `task` and `methods`
   *  (functions cannot cross threads); without it the run trains in-process (`workers` 1). */
  readonly workerRecipe?: WorkerRecipe;
  /** Whether a number of units at a micro-batch size fit in memory (the caller's memory plan): caps
   *  the default worker count and picks the "auto" micro-batch; absent: every core, whole shards. */
  readonly unitsFit?: UnitsFit;
  /** Recorded in run.json: where the backbone came from, package versions. */
  readonly provenance?: { readonly model?: string; readonly versions?: Readonly<Record<string, string>> };
}

/** A module a worker thread imports and the export it calls with `args` (structured-cloneable) to get
 *  its own EvalDeps, after its tfjs backend is initialised. */
export interface WorkerRecipe {
  /** An ES module specifier or file: URL the worker can import. */
  readonly module: string;
  readonly export: string;
  readonly args: unknown;
}

/** What `evaluateRun` needs: the same factories, without an output directory or hooks. */
export type EvalDeps = Pick<EngineDeps, "createBackbone" | "createHead" | "task" | "methods">;
