// `train --structure <x>` -> core's StructureSpec: a structure.json (or a run directory holding one),
// `random`, `full`, or the name of a preset an installed method declares (`lora`, `adapter`, ...).
// Core's resolveStructure then turns the spec into modules on a backbone.
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { candidateKey, openSavedModel, S3petInputError, type PetMethod, type Site, type StructureFile, type StructureSpec } from "@s3pet/core";

export function structureFromFlag(value: string, methods: readonly PetMethod[]): StructureSpec {
  if (value === "random") return { kind: "random" };
  if (value === "full") return { kind: "full" };
  if (existsSync(value)) return { kind: "modules", modules: readStructureFile(structureFilePath(value)).structure, source: structureFilePath(value) };
  const presets = methods.flatMap((m) => (m.presets ?? []).map((p) => p.name));
  if (presets.includes(value)) return { kind: "preset", name: value };
  throw new S3petInputError(
    `--structure ${value}: not a structure.json, a run directory, random, full or a preset (presets of the installed methods: ${presets.join(", ") || "none"})`,
  );
}

/** `train --init-adapter <dir>`: the modules of a PEFT adapter (or a run's adapter/), initialised from its tensors. */
export function structureFromAdapter(dir: string, sites: readonly Site[], methods: readonly PetMethod[]): StructureSpec {
  if (!existsSync(dir)) throw new S3petInputError(`--init-adapter ${dir}: no such directory; pass a PEFT adapter directory or a run directory`);
  const saved = openSavedModel(dir, sites, methods);
  try {
    return { kind: "modules", modules: saved.structure, source: dir, init: dir };
  } finally {
    saved.close();
  }
}

/** A run directory stands for its structure.json. */
function structureFilePath(path: string): string {
  return statSync(path).isDirectory() ? join(path, "structure.json") : path;
}

function readStructureFile(file: string): StructureFile {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code ?? (e as Error).message.split("\n")[0];
    throw new S3petInputError(`--structure ${file}: cannot read a structure (${why}); pass a structure.json written by s3pet search`, { cause: e });
  }
  const modules = (value as { structure?: unknown })?.structure;
  const ok = Array.isArray(modules) && modules.every((m) => typeof m?.site === "string" && typeof m?.method === "string" && typeof m?.options === "object" && typeof m?.params === "number");
  if (!ok) throw new S3petInputError(`--structure ${file}: expected {"structure": [{"site", "method", "options", "params"}, ...]} as s3pet search writes it`);
  const list = modules as StructureFile["structure"];
  // Nothing to train would run as head-only training and be reported like full fine-tuning: refused.
  if (list.length === 0) throw new S3petInputError(`--structure ${file}: lists no modules; pass a structure with at least one, or --structure full for full fine-tuning`);
  const first = new Map<string, number>();
  for (const [i, m] of list.entries()) {
    // A search over several option values of one method (LoRA ranks 1 and 8) may keep both at a site:
    // they are distinct modules, told apart by their variant, as their candidate keys are.
    const variant = (m as { variant?: unknown }).variant;
    const key = candidateKey(m.site, m.method, typeof variant === "string" ? variant : null);
    const seen = first.get(key);
    if (seen !== undefined) {
      throw new S3petInputError(`--structure ${file}: modules ${seen} and ${i} both put ${m.method}${typeof variant === "string" ? `[${variant}]` : ""} on '${m.site}'; list each module once`);
    }
    first.set(key, i);
  }
  return value as StructureFile;
}
