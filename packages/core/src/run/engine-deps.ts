// EngineDeps: everything the engine needs from the outside world, injected by the caller (the CLI).
// The core knows no backbone and no method by name (docs/ARCHITECTURE.md, convention §3): they arrive here as objects.
import type { DependencyContainer } from "tsyringe";
import type { Backbone, TaskHeadFactory } from "../backbone/backbone.js";
import type { SearchHook } from "../hooks/search-hook.js";
import type { PetMethod } from "../plugin/pet-method.js";
import type { TaskSplits } from "../task/task.js";

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
  /** Recorded in run.json: where the backbone came from, package versions. */
  readonly provenance?: { readonly model?: string; readonly versions?: Readonly<Record<string, string>> };
}

/** What `evaluateRun` needs: the same factories, without an output directory or hooks. */
export type EvalDeps = Pick<EngineDeps, "createBackbone" | "createHead" | "task" | "methods">;
