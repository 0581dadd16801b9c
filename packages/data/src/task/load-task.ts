// `--task` -> TaskData. The three forms of the contract: a built-in name (`spam`), a directory
// (or a single data file) of a custom task, and `glue:<name>:<dir>`.
import { existsSync } from "node:fs";
import { S3petInputError } from "@s3pet/core";
import { builtinTaskDir, builtinTaskNames } from "./builtin-tasks.js";
import { readCustomTask } from "./read-custom-task.js";
import type { TaskData } from "./task-data.js";
import type { TaskOptions } from "./task-options.js";
import { readGlueTask } from "../glue/read-glue-task.js";

export function loadTask(spec: string, options: TaskOptions): TaskData {
  if (options.maxExamples !== undefined && !(Number.isInteger(options.maxExamples) && options.maxExamples >= 1)) {
    throw new S3petInputError(`--max-examples must be a positive integer, got ${options.maxExamples}`);
  }
  if (spec.startsWith("glue:")) {
    const rest = spec.slice("glue:".length);
    const colon = rest.indexOf(":");
    if (colon <= 0 || colon === rest.length - 1) throw new S3petInputError(`--task ${spec}: expected glue:<name>:<dir>, e.g. glue:sst2:./glue/SST-2`);
    return readGlueTask(rest.slice(0, colon), rest.slice(colon + 1), options);
  }
  const builtin = builtinTaskDir(spec);
  if (builtin && !existsSync(spec)) return readCustomTask(builtin, options, spec);
  if (existsSync(spec)) return readCustomTask(spec, options);
  const names = builtinTaskNames();
  throw new S3petInputError(
    `--task ${spec}: not a built-in task${names.length ? ` (${names.join(", ")})` : ""} and no such file or directory; give a directory with train/validation/test files or glue:<name>:<dir>`,
  );
}
