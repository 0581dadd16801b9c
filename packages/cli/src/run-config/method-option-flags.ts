// `--<method>.<option>` flags (e.g. --lora.rank 4) from the installed plugins' option schemas, so
// --help lists every method option with its doc and default, and the message core's resolveOptions
// gives ("set --lora.rank") names a real flag. Plugins are loaded once per process; a plugin that
// fails to load adds no flags here and fails the run that needs it with its own error.
import { loadInstalledPlugins, type PluginRegistry } from "@s3pet/core";
import type { OptionSpec } from "../cli/command.js";
import { isMethodLrFlag, methodLrFlag } from "./method-lr-flags.js";

let registry: Promise<PluginRegistry> | undefined;

/** The installed plugins, loaded once (discovery walks node_modules from the cwd and core's location). */
export function installedPlugins(): Promise<PluginRegistry> {
  registry ??= loadInstalledPlugins();
  return registry;
}

export async function methodOptionFlags(): Promise<Record<string, OptionSpec>> {
  const flags: Record<string, OptionSpec> = {};
  let plugins: PluginRegistry;
  try {
    plugins = await installedPlugins();
  } catch {
    return flags;
  }
  for (const method of plugins.methods()) {
    for (const [option, spec] of Object.entries(method.options)) {
      flags[`${method.name}.${option}`] = { type: "string", valueName: "value", description: `${method.name}: ${spec.doc} (default: ${String(spec.default)})` };
    }
    Object.assign(flags, methodLrFlag(method));
  }
  return flags;
}

/** `{ lora: { rank: "4" } }` from flag values named `<method>.<option>` (strings; the schema parses them). */
export function methodOptionsFrom(values: Readonly<Record<string, unknown>>): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const [name, value] of Object.entries(values)) {
    const dot = name.indexOf(".");
    if (dot <= 0 || value === undefined || isMethodLrFlag(name)) continue;
    (out[name.slice(0, dot)] ??= {})[name.slice(dot + 1)] = value;
  }
  return out;
}
