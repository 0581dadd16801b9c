// loadPlugin: imports a discovered plugin package and checks its default export (docs/ARCHITECTURE.md, convention §7):
// import failures are wrapped in a PluginError naming the package, with the original as `cause`.
// loadInstalledPlugins: discovery + load + registration in one call, what the CLI and engine use.
import { pathToFileURL } from "node:url";
import { PluginError } from "../errors/s3pet-error.js";
import { discoverPlugins, type DiscoveredPlugin } from "./discover-plugins.js";
import type { S3petPlugin } from "./pet-method.js";
import { PluginRegistry } from "./plugin-registry.js";

/** Imports the package's entry and returns its default export, checked for `{ name, version, methods }`. */
export async function loadPlugin(found: DiscoveredPlugin): Promise<S3petPlugin> {
  let mod: { default?: unknown };
  try {
    mod = await import(pathToFileURL(found.entry).href);
  } catch (cause) {
    const why = cause instanceof Error ? cause.message.split("\n")[0] : String(cause);
    throw new PluginError(
      `cannot load plugin ${found.packageName} from ${found.entry}: ${why} (rebuild or reinstall ${found.packageName})`,
      { cause },
    );
  }
  const plugin = mod.default as Partial<S3petPlugin> | undefined;
  if (!plugin || typeof plugin !== "object" || typeof plugin.name !== "string" || !Array.isArray(plugin.methods)) {
    throw new PluginError(
      `${found.packageName}: the default export must be { name, version, methods: PetMethod[] } (found ${describeValue(plugin)})`,
    );
  }
  return plugin as S3petPlugin;
}

/** A registry holding every plugin discovered from `from` (default: cwd and core's location). */
export async function loadInstalledPlugins(options: { from?: readonly string[] } = {}): Promise<PluginRegistry> {
  const registry = new PluginRegistry();
  for (const found of discoverPlugins(options)) {
    registry.register(await loadPlugin(found), { packageName: found.packageName, version: found.version });
  }
  return registry;
}

function describeValue(v: unknown): string {
  if (v === undefined) return "no default export";
  if (v === null || typeof v !== "object") return typeof v;
  return `an object with keys ${Object.keys(v).join(", ") || "none"}`;
}
