// PetMethod: what a plugin provides for one PET method (docs/ARCHITECTURE.md "Core concepts").
// It declares where it attaches (site kinds), its options (one schema), its exact parameter count in
// closed form, and creates a PetModule for a site. The core never names a method (docs/ARCHITECTURE.md, convention §3).
import type { DependencyContainer } from "tsyringe";
import type { OptionsOf, OptionsSchema } from "./options-schema.js";
import type { FrozenParams, ParamDelta, PeftMapping } from "./method-export.js";
import type { PetModule } from "./pet-module.js";
import type { SiteKind, SiteOfKind } from "./site.js";
import { PluginError } from "../errors/s3pet-error.js";

/** How a module initialises its variables: every random draw is seeded, so runs are reproducible. */
export interface ModuleInit {
  readonly seed: number;
}

/** A manual baseline structure: the sites (suffix or /regex/ patterns) and the options to use. */
export interface Preset {
  /** Preset id used by `s3pet train --structure <id>`, e.g. `lora`. */
  readonly name: string;
  readonly description: string;
  readonly include: readonly string[];
  readonly options?: Readonly<Record<string, unknown>>;
}

/** `K` narrows the sites a method sees to its declared kinds (the engine only attaches it there). */
export interface PetMethod<S extends OptionsSchema = OptionsSchema, K extends SiteKind = SiteKind> {
  /** Method id: lowercase [a-z0-9-], unique across installed plugins. */
  readonly name: string;
  readonly description: string;
  /** Where it attaches. */
  readonly siteKinds: readonly K[];
  /** Its options, declared once. */
  readonly options: S;
  /** Option values the method enters a search space with, each value a candidate of its own (e.g.
   *  LoRA `{ rank: [1, 8] }`, so a small budget still has LoRA candidates that fit); an option the
   *  user sets (`--lora.rank 4` or `--lora.rank 1,2`) replaces its list. */
  readonly searchOptions?: Readonly<Record<string, readonly unknown[]>>;
  /** The AdamW learning rate of its modules' weights (before the schedule); `--<method>.lr` overrides
   *  it, and the task head keeps the run's --lr. */
  readonly lr: number;
  /** The AdamW weight decay of its modules' weights; the run's --weight-decay when absent. */
  readonly weightDecay?: number;
  /** Exact trainable parameter count at `site`, in closed form (must equal the summed variable sizes). */
  paramCount(site: SiteOfKind<K>, options: OptionsOf<S>): number;
  /**
   * Floats per token a module at `site` keeps for the backward pass (the memory plan's input;
   * docs/MEMORY.md). `gated`: in the search, where the gate's gradient also reads the module's delta.
   * Absent: the site's width when gated, 0 otherwise.
   */
  keptPerToken?(site: SiteOfKind<K>, options: OptionsOf<S>, gated: boolean): number;
  /** A fresh module at `site`; a fresh module is a no-op. */
  create(site: SiteOfKind<K>, options: OptionsOf<S>, init: ModuleInit): PetModule;
  /** The manual baselines this method knows. */
  readonly presets?: readonly Preset[];
  /**
   * Merged export: the change a trained module makes to its site's frozen parameters, computed from the
   * frozen values, so the changes of modules at one site add up as their deltas do. Absent = not mergeable.
   */
  merge?(module: PetModule, site: SiteOfKind<K>, options: OptionsOf<S>, frozen: FrozenParams): ParamDelta;
  /** PEFT export and import (docs/EXPORT.md); absent = PEFT has no equivalent. */
  readonly peft?: {
    readonly [M in keyof PeftMapping<OptionsOf<S>, K>]: PeftMapping<OptionsOf<S>, K>[M];
  };
}

/** Default export of a plugin package (keyword `s3pet-plugin`). */
export interface S3petPlugin {
  readonly name: string;
  readonly version: string;
  readonly methods: readonly PetMethod[];
  /** Optional escape hatch: register services (e.g. SearchHooks) in the run's container. */
  register?(container: DependencyContainer): void;
}

const METHOD_ID = /^[a-z][a-z0-9-]*$/;

/** Identity with checks, so a method file reads as one object literal with inferred option types. */
export function definePetMethod<S extends OptionsSchema, const K extends SiteKind>(method: PetMethod<S, K>): PetMethod<S, K> {
  if (!METHOD_ID.test(method.name)) {
    throw new PluginError(`method id '${method.name}' must match ${METHOD_ID} (lowercase letters, digits, '-')`);
  }
  if (method.siteKinds.length === 0) throw new PluginError(`method '${method.name}' declares no site kinds`);
  checkLearningRate(method);
  return method;
}

/** A method's declared lr must be a positive number and its weight decay (if any) non-negative. */
export function checkLearningRate(method: Pick<PetMethod, "name" | "lr" | "weightDecay">): void {
  if (typeof method.lr !== "number" || !Number.isFinite(method.lr) || method.lr <= 0) {
    throw new PluginError(`method '${method.name}' must declare a positive learning rate 'lr', got ${String(method.lr)}`);
  }
  const wd = method.weightDecay;
  if (wd !== undefined && (typeof wd !== "number" || !Number.isFinite(wd) || wd < 0)) {
    throw new PluginError(`method '${method.name}': weightDecay must be a number >= 0, got ${String(wd)}`);
  }
}
