// expandGrid(): a grid file's object into one point per run. Keys are run flags without `--` (plus
// `command`, search or train); a list value is one axis, the grid is the cross product of every list,
// scalars apply to every run. A point's id is a hash of its command and flags (not of the grid file or
// the order of its keys), so the same run always gets the same id and run directory: re-submitting a
// grid, or a bigger grid around it, finds the runs already done.
import { createHash } from "node:crypto";
import { S3petInputError } from "@s3pet/core";

export type FlagValue = string | number | boolean | readonly (string | number)[];
export type SweepCommand = "search" | "train";

export interface GridPoint {
  /** `<command>-<12 hex>`: stable over re-submissions; the run directory's name. */
  readonly id: string;
  readonly command: SweepCommand;
  /** One value per flag (a list only for a repeatable flag, e.g. include). */
  readonly flags: Readonly<Record<string, FlagValue>>;
  /** The values this point takes on the grid's axes, for status and report tables. */
  readonly axes: Readonly<Record<string, string>>;
}

/** Flags the sweep sets itself for every run. */
const RESERVED = ["out", "resume", "ui", "json", "config", "help"];

/**
 * The runs of a grid, in the grid's order (the first axis varies slowest). A list of grid objects is
 * their union (rows that differ in more than one value, e.g. search at each budget next to fixed
 * presets); a run in two of them is run once.
 */
export function expandGrid(grid: unknown, source = "grid"): GridPoint[] {
  if (Array.isArray(grid) && grid.length > 0) {
    const points = grid.flatMap((g, i) => expandOne(g, `${source} [${i}]`));
    const seen = new Set<string>();
    return points.filter((p) => !seen.has(p.id) && seen.add(p.id));
  }
  return expandOne(grid, source);
}

function expandOne(grid: unknown, source: string): GridPoint[] {
  if (grid === null || typeof grid !== "object" || Array.isArray(grid)) {
    throw new S3petInputError(`${source}: a grid is an object of run flags, e.g. {"command": "train", "task": "spam", "seed": [1, 2]}`);
  }
  const { command = "search", ...rest } = grid as Record<string, unknown>;
  if (command !== "search" && command !== "train") throw new S3petInputError(`${source}: "command" must be "search" or "train", got ${JSON.stringify(command)}`);
  const scalars: Record<string, FlagValue> = {};
  const axes: [string, FlagValue[]][] = [];
  for (const [key, value] of Object.entries(rest)) {
    if (RESERVED.includes(key)) throw new S3petInputError(`${source}: "${key}" is set by the sweep for every run; remove it from the grid`);
    if (!/^[a-z][a-z0-9.-]*$/.test(key)) throw new S3petInputError(`${source}: "${key}" is not a flag name; use flags without "--", e.g. "max-examples"`);
    if (Array.isArray(value)) {
      if (value.length === 0) throw new S3petInputError(`${source}: "${key}" is an empty list; give at least one value or remove it`);
      axes.push([key, value.map((v) => flagValue(v, key, source, true))]);
    } else scalars[key] = flagValue(value, key, source, false);
  }
  let points: Record<string, FlagValue>[] = [{}];
  for (const [key, values] of axes) points = points.flatMap((p) => values.map((v) => ({ ...p, [key]: v })));
  return points.map((axisValues) => {
    const flags = { ...scalars, ...axisValues };
    return {
      id: `${command}-${hashOf(command, flags)}`,
      command,
      flags,
      axes: Object.fromEntries(Object.entries(axisValues).map(([k, v]) => [k, String(v)])),
    };
  });
}

/** The command line of a point's run (without --out and the sweep's own flags). */
export function pointArgs(point: GridPoint): string[] {
  const args: string[] = [point.command];
  for (const [key, value] of Object.entries(point.flags)) {
    if (value === false) continue;
    if (value === true) args.push(`--${key}`);
    else for (const v of Array.isArray(value) ? value : [value]) args.push(`--${key}`, String(v));
  }
  return args;
}

function flagValue(value: unknown, key: string, source: string, inList: boolean): FlagValue {
  if (typeof value === "string" || typeof value === "boolean") return value;
  if (typeof value === "number" && Number.isFinite(value)) return value;
  // A list inside an axis is one value of a repeatable flag (e.g. "include": [["query"], ["value"]]).
  if (inList && Array.isArray(value) && value.every((v) => typeof v === "string" || typeof v === "number")) return value;
  throw new S3petInputError(`${source}: "${key}" has the value ${JSON.stringify(value)}; use a string, number, boolean or a list of them`);
}

function hashOf(command: string, flags: Record<string, FlagValue>): string {
  const canonical = JSON.stringify([command, Object.keys(flags).sort().map((k) => [k, flags[k]])]);
  return createHash("sha256").update(canonical).digest("hex").slice(0, 12);
}
