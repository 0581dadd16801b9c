// Where a run's flag values come from, weakest first: the options saved with an earlier run (the run
// `--resume` continues, or the search run whose structure `train --structure` re-trains), then the
// --config file, then the flags given. So `s3pet search --out r --resume` and
// `s3pet train --structure r/structure.json` need no other flag to do the same thing again.
import { existsSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { OptionSpec } from "../cli/command.js";
import { readConfigFile } from "./read-config-file.js";
import { mergeFlagValues, type RunCommand } from "./resolve-run-options.js";
import type { FlagValues } from "./run-flags.js";
import { readSavedRunOptions } from "./saved-run-options.js";

/** Keys never inherited: where this run goes and how it reports. */
const NOT_INHERITED = ["out", "resume", "config", "json", "ui"];

export function gatherFlags(command: RunCommand, given: FlagValues, flagSpecs: Readonly<Record<string, OptionSpec>>, cwd: string): FlagValues {
  const configPath = typeof given["config"] === "string" ? resolve(cwd, given["config"]) : undefined;
  const config = configPath ? readConfigFile(configPath, flagSpecs, command) : null;
  const direct = mergeFlagValues(config, given);
  const base = baseRun(command, direct, cwd);
  const inherited = base ? readSavedRunOptions(base.dir)?.flags : null;
  // A re-training takes the search run's options, not its (absent) structure flag.
  const skip = base?.resuming ? NOT_INHERITED : [...NOT_INHERITED, "structure"];
  const kept = inherited ? Object.fromEntries(Object.entries(inherited).filter(([k]) => !skip.includes(k))) : null;
  return mergeFlagValues(kept, direct);
}

/** The run whose saved options this one starts from, if any. */
function baseRun(command: RunCommand, flags: FlagValues, cwd: string): { dir: string; resuming: boolean } | null {
  if (flags["resume"] === true && typeof flags["out"] === "string") return { dir: resolve(cwd, flags["out"]), resuming: true };
  const structure = flags["structure"];
  if (command === "train" && typeof structure === "string") {
    const path = resolve(cwd, structure);
    if (existsSync(path)) return { dir: statSync(path).isDirectory() ? path : dirname(path), resuming: false };
  }
  return null;
}
