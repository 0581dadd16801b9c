// discoverPlugins: finds installed plugin packages at run time (docs/BACKEND.md "Toolchain" §5), so installing
// or removing a package changes what a search can use. It walks up from the user's cwd and from
// core's own install, looks through every node_modules it passes (scoped dirs included), and accepts
// a package named `@s3pet/plugin-*`, `s3pet-plugin-*` or `@scope/s3pet-plugin-*` whose keywords
// contain `s3pet-plugin`. The nearest copy of a name wins.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, parse, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const PLUGIN_KEYWORD = "s3pet-plugin";

/** A plugin package found on disk, not yet imported. */
export interface DiscoveredPlugin {
  readonly packageName: string;
  readonly version: string;
  /** The package directory (as found, before resolving symlinks). */
  readonly dir: string;
  /** Absolute path of the module to import. */
  readonly entry: string;
}

const PLUGIN_NAME = /^(@s3pet\/plugin-[a-z0-9-]+|(@[a-z0-9-~][a-z0-9-._~]*\/)?s3pet-plugin-[a-z0-9-]+)$/;

/** The directories the scan starts from by default: the cwd, then core's own location. */
export function defaultPluginSearchRoots(): string[] {
  return [process.cwd(), dirname(fileURLToPath(import.meta.url))];
}

/** Plugin packages visible from `from` (default: cwd and core's location), sorted by name. */
export function discoverPlugins(options: { from?: readonly string[] } = {}): DiscoveredPlugin[] {
  const found = new Map<string, DiscoveredPlugin>();
  for (const start of options.from ?? defaultPluginSearchRoots()) {
    for (const nodeModules of nodeModulesAbove(resolve(start))) {
      for (const dir of packageDirs(nodeModules)) {
        const plugin = readPluginPackage(dir);
        if (plugin && !found.has(plugin.packageName)) found.set(plugin.packageName, plugin);
      }
    }
  }
  return [...found.values()].sort((a, b) => a.packageName.localeCompare(b.packageName));
}

/** `start/node_modules`, then each ancestor's, nearest first. */
function nodeModulesAbove(start: string): string[] {
  const out: string[] = [];
  for (let dir = start; ; dir = dirname(dir)) {
    const nm = join(dir, "node_modules");
    if (existsSync(nm)) out.push(nm);
    if (dir === parse(dir).root) return out;
  }
}

/** Candidate package directories in a node_modules: names that look like plugins, one level into @scopes. */
function packageDirs(nodeModules: string): string[] {
  const out: string[] = [];
  for (const name of safeReaddir(nodeModules)) {
    if (name.startsWith("@")) {
      for (const sub of safeReaddir(join(nodeModules, name))) {
        if (PLUGIN_NAME.test(`${name}/${sub}`)) out.push(join(nodeModules, name, sub));
      }
    } else if (PLUGIN_NAME.test(name)) {
      out.push(join(nodeModules, name));
    }
  }
  return out;
}

function readPluginPackage(dir: string): DiscoveredPlugin | null {
  let pkg: { name?: unknown; version?: unknown; keywords?: unknown; exports?: unknown; main?: unknown };
  try {
    pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  } catch {
    return null; // not a package (a stray folder, a broken link): not a plugin
  }
  if (typeof pkg.name !== "string" || !PLUGIN_NAME.test(pkg.name)) return null;
  if (!Array.isArray(pkg.keywords) || !pkg.keywords.includes(PLUGIN_KEYWORD)) return null;
  const entry = exportTarget(pkg.exports) ?? (typeof pkg.main === "string" ? pkg.main : "index.js");
  return {
    packageName: pkg.name,
    version: typeof pkg.version === "string" ? pkg.version : "0.0.0",
    dir,
    entry: resolve(dir, entry),
  };
}

/** The ESM entry from an `exports` field: `"."` (or the field itself), conditions import > node > default. */
function exportTarget(exports: unknown): string | null {
  if (typeof exports === "string") return exports;
  if (!exports || typeof exports !== "object") return null;
  const map = exports as Record<string, unknown>;
  const dot = "." in map ? map["."] : Object.keys(map).some((k) => k.startsWith(".")) ? undefined : map;
  return conditionTarget(dot);
}

function conditionTarget(target: unknown): string | null {
  if (typeof target === "string") return target;
  if (Array.isArray(target)) return target.map(conditionTarget).find((t) => t !== null) ?? null;
  if (!target || typeof target !== "object") return null;
  const conditions = target as Record<string, unknown>;
  for (const condition of ["import", "node", "default"]) {
    const t = condition in conditions ? conditionTarget(conditions[condition]) : null;
    if (t !== null) return t;
  }
  return null;
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
