// `--<method>.lr` flags: a learning rate per PET method, overriding the rate its plugin declares
// (PetMethod.lr). They sit next to the method-option flags but are not options of the method's
// schema: they go to the engine's `methodLr`, not to `methodOptions`.
import type { PetMethod } from "@s3pet/core";
import type { OptionSpec } from "../cli/command.js";
import { S3petInputError } from "@s3pet/core";

const SUFFIX = ".lr";

export function methodLrFlag(method: PetMethod): Record<string, OptionSpec> {
  return {
    [`${method.name}${SUFFIX}`]: { type: "string", valueName: "x", description: `${method.name}: AdamW learning rate of its modules (default: ${method.lr})` },
  };
}

export function isMethodLrFlag(name: string): boolean {
  return name.endsWith(SUFFIX) && name.indexOf(".") === name.length - SUFFIX.length;
}

/** `{ lora: 0.01 }` from flag values named `<method>.lr`; a bad value is a one-line input error. */
export function methodLrFrom(values: Readonly<Record<string, unknown>>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, value] of Object.entries(values)) {
    if (!isMethodLrFlag(name) || value === undefined) continue;
    const lr = typeof value === "number" ? value : Number(value);
    if (!Number.isFinite(lr) || lr <= 0) throw new S3petInputError(`--${name} must be a positive number, got '${String(value)}' (e.g. --${name} 1e-2)`);
    out[name.slice(0, -SUFFIX.length)] = lr;
  }
  return out;
}
