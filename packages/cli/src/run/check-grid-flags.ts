// checkGridFlags(): every run of a grid parsed and resolved as its `s3pet search|train` child will do it,
// before anything is started or enqueued. A misspelt key or a bad value in a grid then stops the sweep
// with one line naming the grid file and the run, instead of failing every child (or every worker on
// other machines) one by one, after the runs that sorted before it.
import { optionVariants, S3petInputError } from "@s3pet/core";
import { pointArgs, type Grid } from "@s3pet/sweep";
import type { Command } from "../cli/command.js";
import { describeParseError, parseCommandLine } from "../cli/run-cli.js";
import { isInputError } from "../cli/is-input-error.js";
import { search } from "../commands/search.js";
import { train } from "../commands/train.js";
import { resolveRunOptions } from "../run-config/resolve-run-options.js";
import { selectMethods } from "./prepare-run.js";
import { structureFromFlag } from "./structure-from-flag.js";
import type { FlagValues } from "../run-config/run-flags.js";

const RUN_COMMANDS: Readonly<Record<"search" | "train", Command>> = { search, train };

export async function checkGridFlags(grid: Grid, gridPath: string): Promise<void> {
  const now = new Date();
  for (const point of grid.points) {
    const axes = Object.entries(point.axes).map(([k, v]) => `${k}=${v}`).join(" ");
    const where = `${gridPath}: run ${point.id}${axes === "" ? "" : ` (${axes})`}`;
    const command = RUN_COMMANDS[point.command];
    let values: Record<string, unknown>;
    try {
      values = parseCommandLine(command, pointArgs(point).slice(1)).values;
    } catch (error) {
      throw new S3petInputError(`${where}: ${describeParseError(error)} for s3pet ${point.command} (see s3pet ${point.command} --help)`);
    }
    try {
      const run = resolveRunOptions(point.command, values as FlagValues, { cwd: grid.cwd, now, skipOutDirCheck: true });
      // The plugins' option schemas, as the search space checks them when the run builds it.
      const { methods } = await selectMethods(run.methods);
      for (const method of methods) optionVariants(method, run.engine.methodOptions?.[method.name] ?? {});
      if (run.structure !== null) structureFromFlag(run.structure, methods);
    } catch (error) {
      if (!isInputError(error)) throw error;
      throw new S3petInputError(`${where}: ${(error as Error).message.split("\n")[0]}`);
    }
  }
}
