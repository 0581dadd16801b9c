// readGridFile(): a grid from a .json, .yaml or .yml file, expanded; the file's directory is where its
// relative paths (a task directory, a model) are resolved, for every worker on every machine.
import { existsSync, readFileSync } from "node:fs";
import { dirname, extname, resolve } from "node:path";
import { S3petInputError } from "@s3pet/core";
import { parse as parseYaml } from "yaml";
import { expandGrid, type GridPoint } from "./expand-grid.js";

export interface Grid {
  readonly file: string;
  /** The directory runs start in (relative paths in the grid are relative to it). */
  readonly cwd: string;
  readonly points: readonly GridPoint[];
}

export function readGridFile(path: string, cwd: string): Grid {
  const file = resolve(cwd, path);
  if (!existsSync(file)) throw new S3petInputError(`grid file '${path}' does not exist (pass a .json or .yaml grid, e.g. {"task": "spam", "seed": [1, 2]})`);
  const text = readFileSync(file, "utf8");
  let grid: unknown;
  try {
    grid = [".yaml", ".yml"].includes(extname(file)) ? parseYaml(text) : JSON.parse(text);
  } catch (error) {
    throw new S3petInputError(`grid file '${path}' does not parse: ${(error as Error).message.split("\n")[0]}`);
  }
  return { file, cwd: dirname(file), points: expandGrid(grid, path) };
}
