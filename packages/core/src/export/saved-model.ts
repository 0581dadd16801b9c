// SavedModel: a trained structure as tensors, whatever file it came from (a run's adapter/, a PEFT
// adapter directory, a merged checkpoint's head), and the one way to rebuild its modules from it.
import * as tf from "@tensorflow/tfjs";
import { CheckpointError } from "../errors/s3pet-error.js";
import type { ChosenModule } from "../events/events.js";
import type { PetMethod } from "../plugin/pet-method.js";
import type { Site } from "../plugin/site.js";
import { openAdapterTensors, readAdapterConfig } from "../run/adapter.js";
import { isPeftAdapterDir, readPeftAdapter } from "./peft-adapter.js";
import { resolveStructure } from "../train/resolve-structure.js";
import { createModules, type CandidateModule, type TunedModel } from "../train/tuned-model.js";

/** Host tensors by name: `<candidate key>.<weight>` for modules, `head.<weight>` for the task head. */
export type HostTensors = Record<string, { readonly shape: number[]; readonly data: Float32Array }>;

export interface SavedModel {
  /** Where it was read from (for messages). */
  readonly source: string;
  readonly structure: readonly ChosenModule[];
  /** The head's outputs (1 = regression). */
  readonly numLabels: number;
  readonly headSeed: number;
  /** Candidate key -> names of that module's tensors. */
  readonly moduleTensors: Readonly<Record<string, readonly string[]>>;
  /** Every tensor name held. */
  readonly names: readonly string[];
  /** Reads one tensor (`<key>.<name>` or `head.<name>`). */
  read(name: string): { shape: number[]; data: Float32Array };
  /** Full fine-tuning: reads backbone weight i (null otherwise). */
  readonly backboneWeight: ((index: number) => { shape: number[]; data: Float32Array }) | null;
  close(): void;
}

/** A run directory's adapter/ as a SavedModel (close it when done). */
export function savedModelOfRun(runDir: string): SavedModel {
  const config = readAdapterConfig(runDir);
  const file = openAdapterTensors(runDir);
  return {
    source: runDir,
    structure: config.structure,
    numLabels: config.objective.numLabels,
    headSeed: config.headSeed,
    moduleTensors: config.tensors,
    names: file.names(),
    read: (name) => file.readFloat32(name),
    backboneWeight: config.fullFineTuning ? (i) => file.readFloat32(`backbone.${i}`) : null,
    close: () => file.close(),
  };
}

/** A SavedModel over tensors already in memory. */
export function savedModelOfTensors(source: string, structure: readonly ChosenModule[], numLabels: number, tensors: HostTensors): SavedModel {
  const moduleTensors: Record<string, string[]> = {};
  for (const name of Object.keys(tensors)) {
    if (name.startsWith("head.") || !name.includes("#")) continue;
    const key = name.slice(0, name.indexOf(".", name.indexOf("#"))); // `<site>#<method>`, then `.<weight>`
    (moduleTensors[key] ??= []).push(name.slice(key.length + 1));
  }
  return {
    source,
    structure,
    numLabels,
    headSeed: 0,
    moduleTensors,
    names: Object.keys(tensors),
    read(name) {
      const t = tensors[name];
      if (!t) throw new CheckpointError(`${source}: no tensor '${name}'`);
      return { shape: [...t.shape], data: t.data };
    },
    backboneWeight: null,
    close: () => {},
  };
}

/** Creates `saved`'s modules on `sites` with `methods` and loads their tensors (the caller disposes them). */
export function loadSavedModules(saved: SavedModel, sites: readonly Site[], methods: readonly PetMethod[]): CandidateModule[] {
  const { candidates } = resolveStructure({ kind: "modules", modules: saved.structure, source: saved.source }, sites, methods, NO_SPACE, null);
  const modules = createModules(candidates, 0, "saved:init");
  try {
    tf.tidy(() => {
      for (const m of modules) {
        const names = saved.moduleTensors[m.candidate.key] ?? [];
        m.module.load(Object.fromEntries(names.map((n) => [n, hostTensor(saved.read(`${m.candidate.key}.${n}`))])));
      }
    });
  } catch (error) {
    for (const m of modules) m.module.dispose();
    throw error;
  }
  return modules;
}

/** The head's tensors of `saved` by the head's own weight names (all of them when `names` is omitted). */
export function readSavedHead(saved: SavedModel, names?: readonly string[]): Record<string, tf.Tensor> {
  const wanted = names ?? saved.names.filter((n) => n.startsWith("head.")).map((n) => n.slice("head.".length));
  return Object.fromEntries(wanted.map((n) => [n, hostTensor(saved.read(`head.${n}`))]));
}

export function hostTensor(t: { shape: readonly number[]; data: Float32Array }): tf.Tensor {
  return tf.tensor(t.data, [...t.shape]);
}

/** A modules structure needs no search-space settings. */
const NO_SPACE = { seed: 0, include: [], exclude: [], methodOptions: {} } as const;

/** A PEFT adapter directory or a run directory as a SavedModel (close it when done). */
export function openSavedModel(dir: string, sites: readonly Site[], methods: readonly PetMethod[]): SavedModel {
  return isPeftAdapterDir(dir) ? readPeftAdapter(dir, sites, methods) : savedModelOfRun(dir);
}

/** Loads `dir`'s tensors into `model`'s modules (every one must be there) and into its head when the sizes fit. */
export function initFromSaved(model: TunedModel, dir: string, methods: readonly PetMethod[]): void {
  const saved = openSavedModel(dir, model.backbone.sites(), methods);
  try {
    tf.tidy(() => {
      for (const m of model.modules) {
        const names = saved.moduleTensors[m.candidate.key];
        if (!names) throw new CheckpointError(`${dir}: no tensors for ${m.candidate.key}; initialise from the adapter the structure came from`);
        m.module.load(Object.fromEntries(names.map((n) => [n, hostTensor(saved.read(`${m.candidate.key}.${n}`))])));
      }
      const head = Object.keys(model.head.weights);
      const fits = head.every((n) => saved.names.includes(`head.${n}`) && saved.read(`head.${n}`).data.length === model.head.weights[n]!.size);
      if (fits) model.head.load(readSavedHead(saved, head)); // another task's head: keep the fresh one
    });
  } finally {
    saved.close();
  }
}
