// What a method declares so a trained module can leave S3PET (docs/EXPORT.md): `merge` folds it into
// the frozen weights of its site (merged checkpoint), `peft` writes and reads it in Hugging Face PEFT's
// format. Both are optional: a method without them is reported by name as not mergeable / not
// expressible in PEFT. Tensors are in S3PET's layout unless a field says PEFT's.
import type * as tf from "@tensorflow/tfjs";
import type { PetModule } from "./pet-module.js";
import type { SiteKind, SiteOfKind } from "./site.js";

/**
 * The frozen parameters of a linear or norm site. Linear: weight = kernel [dIn, dOut], bias [dOut].
 * Norm: weight = gamma [d], bias = beta [d].
 */
export interface FrozenParams {
  readonly weight: tf.Tensor;
  readonly bias: tf.Tensor;
}

/** What a merged module adds to its site's frozen parameters (same shapes as FrozenParams). */
export interface ParamDelta {
  readonly weight?: tf.Tensor;
  readonly bias?: tf.Tensor;
}

/** A setting of one module in a PEFT config (its rank, alpha, ...). */
export type PeftSetting = string | number | boolean;

/** One module as PEFT stores it. */
export interface PeftModuleExport {
  /** Tensor name suffixes after `base_model.model.<module>.` (e.g. `lora_A.weight`), in PEFT's layout. */
  readonly tensors: Readonly<Record<string, tf.Tensor>>;
  /** Per-module settings the method's `config` turns into adapter_config.json fields. */
  readonly settings: Readonly<Record<string, PeftSetting>>;
}

export interface PeftMapping<O, K extends SiteKind> {
  /** PEFT's `peft_type` (e.g. `LORA`); the modules of one type form one PEFT adapter. */
  readonly peftType: string;
  /** The site kinds PEFT can express (default: all of the method's); modules elsewhere are left out. */
  readonly siteKinds?: readonly SiteKind[];
  /** One trained module in PEFT's names and layout. Called inside tf.tidy. */
  toPeft(module: PetModule, site: SiteOfKind<K>, options: O): PeftModuleExport;
  /**
   * The adapter_config.json fields specific to this type for `modules` (full PEFT module names and their
   * settings), e.g. `r`, `lora_alpha`, `rank_pattern`. Core writes the shared fields (peft_type,
   * task_type, target_modules, base_model_name_or_path, modules_to_save, inference_mode, revision).
   */
  config(modules: readonly { readonly name: string; readonly settings: Readonly<Record<string, PeftSetting>> }[]): Record<string, unknown>;
  /**
   * Back from PEFT: module `name`'s options (checked by the method's schema afterwards) and its weights in
   * S3PET's names and layout, from adapter_config.json and that module's tensors (suffix -> tensor).
   * Throw a PluginError naming the field or tensor when the config asks for something S3PET cannot do.
   */
  fromPeft(
    name: string,
    site: SiteOfKind<K>,
    config: Readonly<Record<string, unknown>>,
    tensors: Readonly<Record<string, tf.Tensor>>,
  ): { readonly options: Record<string, unknown>; readonly weights: Record<string, tf.Tensor> };
}
