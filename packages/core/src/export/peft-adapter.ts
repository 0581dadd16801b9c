// Hugging Face PEFT adapters (docs/EXPORT.md): writePeftAdapter exports a trained structure's
// PEFT-expressible modules as adapter_config.json + adapter_model.safetensors, the way PEFT's
// save_pretrained writes them; readPeftAdapter reads such a directory back into a SavedModel. The
// per-type fields and tensors come from each method's `peft` mapping; core writes the shared fields.
// One PEFT adapter holds one peft_type, so a structure mixing types writes the one with the most
// modules at the root (with the task head) and each other in `<dir>/<type in lowercase>/`, the
// layout save_pretrained uses for a model's further adapters.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { CheckpointError, PluginError, S3petInputError } from "../errors/s3pet-error.js";
import type { ChosenModule } from "../events/events.js";
import { openSafetensors } from "../io/safetensors/open-safetensors.js";
import { writeSafetensors } from "../io/safetensors/write-safetensors.js";
import { writeJsonAtomic } from "../io/write-file-atomic.js";
import { candidateKey } from "../plugin/candidate-key.js";
import type { PeftSetting } from "../plugin/method-export.js";
import { resolveOptions } from "../plugin/options-schema.js";
import type { PetMethod } from "../plugin/pet-method.js";
import type { Site } from "../plugin/site.js";
import type { CandidateModule } from "../train/tuned-model.js";
import { PEFT_TENSOR_PREFIX } from "./peft-names.js";
import { savedModelOfTensors, type HostTensors, type SavedModel } from "./saved-model.js";

export const PEFT_CONFIG_FILE = "adapter_config.json";
export const PEFT_WEIGHTS_FILE = "adapter_model.safetensors";

/** What PEFT needs to know about the model the adapter goes on. */
export interface PeftModelInfo {
  /** Prepended to a site name to make PEFT's module name (e.g. `bert.` in a BertForSequenceClassification). */
  readonly modulePrefix: string;
  /** adapter_config.json's base_model_name_or_path. */
  readonly baseModel: string;
}

export interface PeftExport {
  /** One entry per written adapter: its directory, peft_type and module count. */
  readonly adapters: readonly { readonly dir: string; readonly peftType: string; readonly modules: number }[];
  /** Modules PEFT cannot express, as `<method>@<site>` (left out unless strict). */
  readonly left: readonly string[];
}

/** `<method>@<site>` of the modules whose method lacks `peft` (empty when PEFT expresses all). */
export function notPeftExpressible(modules: readonly CandidateModule[]): string[] {
  return modules.filter((m) => !peftExpresses(m)).map((m) => `${m.candidate.method.name}@${m.candidate.site.name}`);
}

/** Whether the module's method maps it to PEFT at its site's kind. */
function peftExpresses({ candidate }: CandidateModule): boolean {
  const peft = candidate.method.peft;
  return peft !== undefined && (peft.siteKinds ?? candidate.method.siteKinds).includes(candidate.site.kind);
}

/**
 * Writes `modules` (trained, loaded) and the head to `outDir` (missing or empty). `strict` fails on any
 * module PEFT cannot express instead of leaving it out.
 */
export function writePeftAdapter(
  outDir: string,
  modules: readonly CandidateModule[],
  head: Readonly<Record<string, tf.Tensor>>,
  model: PeftModelInfo,
  strict: boolean,
): PeftExport {
  const left = notPeftExpressible(modules);
  if (strict && left.length > 0) {
    throw new S3petInputError(`--strict: PEFT cannot express ${left.join(", ")}; drop --strict to export the rest, or use --merge`);
  }
  const byType = new Map<string, CandidateModule[]>();
  for (const m of modules.filter(peftExpresses)) {
    const type = m.candidate.method.peft!.peftType;
    byType.set(type, [...(byType.get(type) ?? []), m]);
  }
  if (byType.size === 0) throw new S3petInputError(`PEFT can express none of this structure's modules (${left.join(", ") || "none"}); use --merge instead`);
  const groups = [...byType].sort((a, b) => b[1].length - a[1].length);
  const adapters: { dir: string; peftType: string; modules: number }[] = [];
  groups.forEach(([peftType, group], i) => {
    const dir = i === 0 ? outDir : join(outDir, peftType.toLowerCase());
    writeOneAdapter(dir, peftType, group, i === 0 ? head : {}, model);
    adapters.push({ dir, peftType, modules: group.length });
  });
  return { adapters, left };
}

function writeOneAdapter(dir: string, peftType: string, group: readonly CandidateModule[], head: Readonly<Record<string, tf.Tensor>>, model: PeftModelInfo): void {
  const tensors: HostTensors = {};
  const put = (name: string, t: tf.Tensor) => (tensors[name] = { shape: [...t.shape], data: Float32Array.from(t.dataSync() as Float32Array) });
  const settings: { name: string; settings: Readonly<Record<string, PeftSetting>> }[] = [];
  const method = group[0]!.candidate.method;
  tf.tidy(() => {
    for (const { candidate, module } of group) {
      const name = `${model.modulePrefix}${candidate.site.name}`;
      const out = candidate.method.peft!.toPeft(module, candidate.site, candidate.options);
      for (const [suffix, t] of Object.entries(out.tensors)) put(`${PEFT_TENSOR_PREFIX}${name}.${suffix}`, t);
      settings.push({ name, settings: out.settings });
    }
    for (const [name, t] of Object.entries(head)) put(`${PEFT_TENSOR_PREFIX}${name}`, t);
  });
  const headModules = [...new Set(Object.keys(head).map((n) => n.split(".")[0]!))];
  const config: Record<string, unknown> = {
    ...method.peft!.config(settings),
    auto_mapping: null,
    base_model_name_or_path: model.baseModel,
    inference_mode: true,
    modules_to_save: headModules.length ? headModules : null,
    peft_type: peftType,
    revision: null,
    target_modules: settings.map((s) => s.name).sort(),
    task_type: "SEQ_CLS",
  };
  // Tensors first, config last (as in adapter/): a config on disk always has its tensors.
  writeSafetensors(join(dir, PEFT_WEIGHTS_FILE), tensors, { format: "pt" });
  writeJsonAtomic(join(dir, PEFT_CONFIG_FILE), Object.fromEntries(Object.entries(config).sort(([a], [b]) => a.localeCompare(b))));
}

/** True when `dir` holds a PEFT adapter (adapter_config.json with a peft_type). */
export function isPeftAdapterDir(dir: string): boolean {
  const file = join(dir, PEFT_CONFIG_FILE);
  if (!existsSync(file)) return false;
  try {
    return typeof (JSON.parse(readFileSync(file, "utf8")) as { peft_type?: unknown }).peft_type === "string";
  } catch {
    return false;
  }
}

/**
 * Reads the PEFT adapter in `dir` (and the further adapters in its subdirectories) for a backbone with
 * `sites`, using the installed `methods`' `peft` mappings. Module names may carry a model prefix
 * (`bert.`, `roberta.`, ...) before the site name or not.
 */
export function readPeftAdapter(dir: string, sites: readonly Site[], methods: readonly PetMethod[]): SavedModel {
  const dirs = [dir, ...readdirSync(dir).map((e) => join(dir, e)).filter((d) => statSync(d).isDirectory() && isPeftAdapterDir(d))];
  if (!isPeftAdapterDir(dir)) throw new S3petInputError(`${dir}: no ${PEFT_CONFIG_FILE} with a peft_type; pass a directory written by PEFT's save_pretrained or s3pet export --format peft`);
  const structure: ChosenModule[] = [];
  const tensors: HostTensors = {};
  let numLabels: number | null = null;
  for (const d of dirs) {
    const configPath = join(d, PEFT_CONFIG_FILE);
    const config = JSON.parse(readFileSync(configPath, "utf8")) as Record<string, unknown>;
    const peftType = String(config.peft_type);
    const typed = methods.filter((m) => m.peft?.peftType === peftType);
    if (typed.length === 0) throw new PluginError(`${configPath}: peft_type ${peftType} matches no installed method (S3PET maps ${methods.filter((m) => m.peft).map((m) => m.peft!.peftType).join(", ") || "none"}); install its plugin`);
    const weightsPath = join(d, PEFT_WEIGHTS_FILE);
    if (!existsSync(weightsPath)) throw new CheckpointError(`${weightsPath}: missing; PEFT adapters are read from safetensors (save with safe_serialization=True)`);
    const file = openSafetensors(weightsPath);
    try {
      const headModules = Array.isArray(config.modules_to_save) ? (config.modules_to_save as string[]) : [];
      const perModule = new Map<string, Record<string, tf.Tensor>>();
      const moduleNames = new Map<string, string>(); // site -> PEFT module name
      tf.tidy(() => {
        for (const stored of file.names()) {
          if (!stored.startsWith(PEFT_TENSOR_PREFIX)) throw new CheckpointError(`${weightsPath}: tensor '${stored}' does not start with '${PEFT_TENSOR_PREFIX}' (not a PEFT adapter?)`);
          const name = stored.slice(PEFT_TENSOR_PREFIX.length);
          const { shape, data } = file.readFloat32(stored);
          if (headModules.some((h) => name.startsWith(`${h}.`))) {
            tensors[`head.${name}`] = { shape, data };
            if (name.endsWith(".weight")) numLabels = shape[0]!;
            continue;
          }
          const { site, suffix, module } = siteOf(name, sites) ?? {};
          if (!site || !suffix) throw new CheckpointError(`${weightsPath}: '${stored}' names no site of this backbone (was the adapter made for another model?)`);
          const group = perModule.get(site.name) ?? {};
          group[suffix] = tf.keep(tf.tensor(data, shape));
          perModule.set(site.name, group);
          moduleNames.set(site.name, module!);
        }
      });
      try {
        for (const [siteName, moduleTensors] of perModule) {
          const site = sites.find((s) => s.name === siteName)!;
          const method = typed.find((m) => m.siteKinds.includes(site.kind));
          if (!method) throw new PluginError(`${configPath}: no installed ${peftType} method attaches to ${site.kind} site ${siteName}`);
          const key = candidateKey(siteName, method.name);
          let options: Record<string, unknown> = {};
          tf.tidy(() => {
            const back = method.peft!.fromPeft(moduleNames.get(siteName)!, site as never, config, moduleTensors);
            options = back.options;
            for (const [n, t] of Object.entries(back.weights)) tensors[`${key}.${n}`] = { shape: [...t.shape], data: Float32Array.from(t.dataSync() as Float32Array) };
          });
          const resolved = resolveOptions(method.name, method.options, options);
          structure.push({ site: siteName, method: method.name, options: resolved, params: method.paramCount(site as never, resolved as never) });
        }
      } finally {
        for (const group of perModule.values()) tf.dispose(Object.values(group));
      }
    } finally {
      file.close();
    }
  }
  if (numLabels === null) throw new CheckpointError(`${dir}: no task head (modules_to_save) in the adapter; export it with its classifier`);
  return savedModelOfTensors(dir, structure, numLabels, tensors);
}

/**
 * The site, PEFT module name and tensor suffix of a tensor name `<prefix><site>.<suffix>` (the prefix is
 * empty or ends in `.`); the longest matching site name wins.
 */
function siteOf(name: string, sites: readonly Site[]): { site: Site; module: string; suffix: string } | undefined {
  const at = (s: Site) => (name.startsWith(`${s.name}.`) ? 0 : name.indexOf(`.${s.name}.`) + 1 || -1); // where the site name starts
  const site = sites.filter((s) => at(s) >= 0).sort((a, b) => b.name.length - a.name.length)[0];
  if (!site) return undefined;
  const end = at(site) + site.name.length;
  return { site, module: name.slice(0, end), suffix: name.slice(end + 1) };
}
