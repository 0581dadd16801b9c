// `--config file.json`: the same keys as the flags (`"batch-size": 16`, `"lora.rank": 4`, `"include":
// ["attention.self.query"]`), checked against the command's flags so a typo is an error, not a no-op, and
// each value against its declaration (run-flags.ts), so a bad one names the file and the key.
import { readFileSync } from "node:fs";
import { parseRunOption, S3petInputError } from "@s3pet/core";
import type { OptionSpec } from "../cli/command.js";
import { declaredOption, type FlagValues } from "./run-flags.js";

export function readConfigFile(path: string, flags: Readonly<Record<string, OptionSpec>>, command: string): FlagValues {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new S3petInputError(`--config ${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)}); check the path`, { cause: e });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new S3petInputError(`--config ${path}: invalid JSON (${(e as Error).message.split("\n")[0]})`, { cause: e });
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new S3petInputError(`--config ${path}: expected a JSON object whose keys are flag names, e.g. {"budget": "0.1%", "batch-size": 16}`);
  }
  const out: Record<string, string | boolean | readonly string[]> = {};
  for (const [key, raw] of Object.entries(value)) {
    const spec = key === "config" ? undefined : flags[key];
    if (!spec) {
      const kebab = key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
      const hint = kebab !== key && flags[kebab] ? `did you mean "${kebab}"?` : `see s3pet ${command} --help`;
      throw new S3petInputError(`--config ${path}: unknown key "${key}" (keys are the flag names; ${hint})`);
    }
    // A declared option is checked here, so a bad value names this file and key rather than a flag.
    const value = configValue(path, key, spec, raw);
    const declared = declaredOption(key);
    if (declared) parseRunOption(declared, value, `--config ${path}`);
    out[key] = value;
  }
  return out;
}

function configValue(path: string, key: string, spec: OptionSpec, raw: unknown): string | boolean | readonly string[] {
  const bad = (want: string) => new S3petInputError(`--config ${path}: "${key}" must be ${want}, got ${JSON.stringify(raw)}`);
  if (spec.type === "boolean") {
    if (typeof raw !== "boolean") throw bad("true or false");
    return raw;
  }
  if (spec.multiple) {
    const list = typeof raw === "string" ? [raw] : raw;
    if (!Array.isArray(list) || !list.every((x) => typeof x === "string")) throw bad("a string or a list of strings");
    return list as string[];
  }
  if (typeof raw === "string") return raw;
  if (typeof raw === "number" && Number.isFinite(raw)) return String(raw);
  if (typeof raw === "boolean") return String(raw);
  if (Array.isArray(raw) && raw.every((x) => typeof x === "string")) return raw.join(",");
  throw bad("a string or a number");
}
