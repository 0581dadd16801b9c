// Built-in tasks: directories under assets/tasks/ (each with a task.json and a card). The assets are the
// @s3pet/assets package (assets/ of the repository, installed with @s3pet/cli); without it they are
// found by walking up from this module and from the working directory, so a clone works from any cwd.
// findAssetDir is the one lookup of assets/ (the CLI finds the default backbone with it too).
import { existsSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The task the CLI uses when no --task is given. */
export const DEFAULT_TASK = "spam";

/**
 * `assets/<sub>` of the repository (the embedded backbone and tasks), looked up from this module's
 * location, then the working directory; null when none is reachable (e.g. an install without assets).
 */
export function findAssetDir(sub: string): string | null {
  const packaged = assetsPackageDir();
  if (packaged && existsSync(join(packaged, sub))) return join(packaged, sub);
  for (const start of [dirname(fileURLToPath(import.meta.url)), process.cwd()]) {
    for (let dir = resolve(start); ; dir = dirname(dir)) {
      const candidate = join(dir, "assets", sub);
      if (existsSync(candidate)) return candidate;
      if (dirname(dir) === dir) break;
    }
  }
  return null;
}

/** Where the @s3pet/assets package is installed (resolved from here, as node resolves imports), or null. */
function assetsPackageDir(): string | null {
  try {
    return dirname(createRequire(import.meta.url).resolve("@s3pet/assets/package.json"));
  } catch {
    return null;
  }
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
