// What `search` and `train` share: their flags (the run options of the command plus every installed
// method's options) and their `run`: flags gathered, resolved into run options, executed.
import type { CommandIo, OptionSpecs } from "../cli/command.js";
import { gatherFlags } from "../run-config/gather-flags.js";
import { methodOptionFlags } from "../run-config/method-option-flags.js";
import { resolveRunOptions } from "../run-config/resolve-run-options.js";
import { runFlags, type FlagValues } from "../run-config/run-flags.js";
import { executeRun } from "./execute-run.js";

export type RunCommandName = "search" | "train";

export async function runCommandOptions(command: RunCommandName) {
  return { ...runFlags(command), ...(await methodOptionFlags()) } satisfies OptionSpecs;
}

export function runCommand(command: RunCommandName, options: OptionSpecs) {
  return ({ values }: { readonly values: unknown }, io: CommandIo): Promise<number | void> =>
    executeRun(resolveRunOptions(command, gatherFlags(command, values as FlagValues, options, io.cwd), { cwd: io.cwd, now: new Date() }), io);
}
