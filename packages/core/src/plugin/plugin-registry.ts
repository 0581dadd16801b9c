// PluginRegistry: the installed PET methods, by id (docs/ARCHITECTURE.md, convention §7). Registration checks each plugin's
// shape and each method's id, site kinds and option defaults; a duplicate id is a hard error naming
// both packages. Asking for a method nobody registered names the package that would provide it.
import { PluginError } from "../errors/s3pet-error.js";
import { checkLearningRate } from "./pet-method.js";
import type { PetMethod, S3petPlugin } from "./pet-method.js";
import { SITE_KINDS } from "./site.js";

const METHOD_ID = /^[a-z][a-z0-9-]*$/;

/** A registered plugin and the npm package it came from (its own name when registered directly). */
export interface RegisteredPlugin {
  readonly packageName: string;
  readonly version: string;
  readonly plugin: S3petPlugin;
}

export class PluginRegistry {
  private readonly byMethod = new Map<string, { method: PetMethod; from: RegisteredPlugin }>();
  private readonly registered: RegisteredPlugin[] = [];

  /** Adds every method of `plugin`; throws PluginError before adding any when one is invalid or taken. */
  register(plugin: S3petPlugin, source: { packageName?: string; version?: string } = {}): void {
    const packageName = source.packageName ?? String((plugin as Partial<S3petPlugin>)?.name ?? "<unnamed plugin>");
    checkPluginShape(plugin, packageName);
    const entry: RegisteredPlugin = { packageName, version: source.version ?? plugin.version, plugin };
    const seen = new Set<string>();
    for (const method of plugin.methods) {
      checkMethod(method, packageName);
      const taken = this.byMethod.get(method.name);
      if (taken || seen.has(method.name)) {
        const other = taken ? taken.from.packageName : packageName;
        throw new PluginError(
          `duplicate PET method '${method.name}' from ${packageName} (already provided by ${other}); uninstall one of them`,
        );
      }
      seen.add(method.name);
    }
    for (const method of plugin.methods) this.byMethod.set(method.name, { method, from: entry });
    this.registered.push(entry);
  }

  /** The method with id `name`; unknown ids say which package to install. */
  method(name: string): PetMethod {
    const found = this.byMethod.get(name);
    if (found) return found.method;
    const installed = this.methodNames();
    throw new PluginError(
      `unknown PET method '${name}': install @s3pet/plugin-${name} (installed: ${installed.length ? installed.join(", ") : "none"})`,
    );
  }

  has(name: string): boolean {
    return this.byMethod.has(name);
  }

  /** Method ids in registration order. */
  methodNames(): string[] {
    return [...this.byMethod.keys()];
  }

  methods(): PetMethod[] {
    return [...this.byMethod.values()].map((m) => m.method);
  }

  /** The package that provided method `name`. */
  providerOf(name: string): RegisteredPlugin {
    this.method(name);
    return this.byMethod.get(name)!.from;
  }

  plugins(): readonly RegisteredPlugin[] {
    return this.registered;
  }
}

function checkPluginShape(plugin: S3petPlugin, packageName: string): void {
  const p = plugin as Partial<S3petPlugin> | null | undefined;
  if (!p || typeof p !== "object" || typeof p.name !== "string" || typeof p.version !== "string" || !Array.isArray(p.methods)) {
    throw new PluginError(`${packageName}: the default export must be { name, version, methods: PetMethod[] }`);
  }
  if (p.register !== undefined && typeof p.register !== "function") {
    throw new PluginError(`${packageName}: register must be a function (container) => void when present`);
  }
}

function checkMethod(method: PetMethod, packageName: string): void {
  const id = String(method?.name);
  const where = `${packageName}: method '${id}'`;
  if (!METHOD_ID.test(id)) throw new PluginError(`${where}: id must match ${METHOD_ID} (lowercase letters, digits, '-')`);
  if (!Array.isArray(method.siteKinds) || method.siteKinds.length === 0) throw new PluginError(`${where}: declares no site kinds`);
  for (const kind of method.siteKinds) {
    if (!SITE_KINDS.includes(kind)) throw new PluginError(`${where}: unknown site kind '${kind}' (known: ${SITE_KINDS.join(", ")})`);
  }
  if (typeof method.paramCount !== "function" || typeof method.create !== "function") {
    throw new PluginError(`${where}: paramCount and create must be functions`);
  }
  try {
    checkLearningRate(method);
  } catch (error) {
    throw new PluginError(`${packageName}: ${(error as Error).message}`);
  }
  for (const [option, spec] of Object.entries(method.options ?? {})) {
    const problem = typeof spec?.check === "function" ? spec.check(spec.default) : "has no check()";
    if (problem) throw new PluginError(`${where}: default of option '${option}' ${problem}, got ${JSON.stringify(spec?.default)}`);
  }
}
