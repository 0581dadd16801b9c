// Built-in tasks: directories under the repository's assets/tasks/ (each with a task.json and a card),
// found by walking up from this module and from the working directory, so they work from any cwd.
// findAssetDir is the one lookup of assets/ (the CLI finds the default backbone with it too).
import { existsSync, readdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The task the CLI uses when no --task is given. */
export const DEFAULT_TASK = "spam";

/**
 * `assets/<sub>` of the repository (the embedded backbone and tasks), looked up from this module's
 * location, then the working directory; null when none is reachable (e.g. an install without assets).
 */
export function findAssetDir(sub: string): string | null {
  for (const start of [dirname(fileURLToPath(import.meta.url)), process.cwd()]) {
    for (let dir = resolve(start); ; dir = dirname(dir)) {
      const candidate = join(dir, "assets", sub);
      if (existsSync(candidate)) return candidate;
      if (dirname(dir) === dir) break;
    }
  }
  return null;
}

/** The assets/tasks directory, or null when none is reachable. */
export function builtinTasksDir(): string | null {
  return findAssetDir("tasks");
}

export function builtinTaskNames(): string[] {
  const root = builtinTasksDir();
  if (!root) return [];
  return readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(root, d.name, "task.json")))
    .map((d) => d.name)
    .sort();
}

export function builtinTaskDir(name: string): string | null {
  const root = builtinTasksDir();
  return root && builtinTaskNames().includes(name) ? join(root, name) : null;
}
