// The JSON files of a run directory whose shape scripts and checks rely on (docs/ARCHITECTURE.md "Run directory"):
// results.json (exact keys first, then extras), structure.json and adapter/adapter_config.json.
import type { ChosenModule } from "../events/events.js";

export interface SplitScores {
  readonly validation: number;
  readonly test: number;
}

/** results.json. Scores are the task metric (in [0, 1], or [-1, 1] for correlations). */
export interface RunResults {
  readonly task: string;
  readonly metric: string;
  /** Budget in parameters (null for a fixed structure trained without one, and for full fine-tuning). */
  readonly budget: number | null;
  /** The backbone's total parameters, embeddings included (the base of relative budgets). */
  readonly backboneParams: number;
  /** Trainable parameters of the structure (module parameters; the whole backbone for full fine-tuning). */
  readonly chosenParams: number;
  readonly structure: readonly ChosenModule[];
  /** The soft supernet (z = p) at the best search checkpoint; search only. */
  readonly supernet?: SplitScores;
  /** The structure re-trained from scratch (search) or trained (train). */
  readonly retrained: SplitScores;
  /** Always predicting the training set's majority class (its mean, for regression). */
  readonly majorityBaseline: { readonly test: number };
  readonly seconds: number;
  readonly peakRssMB: number;
  // --- extras
  readonly command: "search" | "train";
  /** `search`, `file`, `preset:<name>`, `random` or `full`. */
  readonly structureSource: string;
  /** The task head's parameters (inside `chosenParams` only when `countHead`). */
  readonly headParams: number;
  readonly countHead: boolean;
  /** chosenParams / backboneParams. */
  readonly chosenRatio: number;
  /** sum n_i p_i at the best search checkpoint; search only. */
  readonly softParams?: number;
  /** The budget as given (`0.01%` or `12000`). */
  readonly budgetSpec: string | null;
  readonly seed: number;
  readonly backend: string;
  /** Steps of each training phase that ran. */
  readonly steps: Readonly<Record<string, number>>;
}

/** structure.json: the chosen structure with its budget and totals; `s3pet train --structure` reads it. */
export interface StructureFile {
  readonly structure: readonly ChosenModule[];
  readonly budget: number | null;
  readonly chosenParams: number;
  readonly headParams: number;
  readonly countHead: boolean;
  readonly backbone: string;
  readonly backboneParams: number;
  /** sum n_i p_i at discretisation (search only). */
  readonly softParams?: number;
}

/** adapter/adapter_config.json: enough, with adapter_model.safetensors, to rebuild and re-score the model. */
export interface AdapterConfig {
  readonly format: "s3pet-adapter";
  readonly version: 1;
  readonly backbone: string;
  readonly backboneParams: number;
  readonly task: string;
  readonly objective: { readonly kind: "classification" | "regression"; readonly numLabels: number; readonly metric: string };
  readonly structure: readonly ChosenModule[];
  /** Full fine-tuning: the file also holds the backbone's weights as `backbone.<index>`. */
  readonly fullFineTuning: boolean;
  readonly headParams: number;
  /** The head's init seed (its weights are in the file as `head.<name>`). */
  readonly headSeed: number;
  /** Candidate key -> names of that module's tensors in the file (`<key>.<name>`). */
  readonly tensors: Readonly<Record<string, readonly string[]>>;
}
