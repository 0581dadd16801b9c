// `s3pet plugins [method]`: the installed PET-method plugins, found at run time from the current
// project and from the CLI's own install (core's discoverPlugins), with each method's site kinds and
// default options; with a method id, that method's options and presets. Asking for a method that is
// not installed names the package to install (PluginError, exit 2).
import { defaultPluginSearchRoots, defaultOptions, loadInstalledPlugins, type PetMethod } from "@s3pet/core";
import { defineCommand } from "../cli/command.js";

/** The `--json` contract: one entry per plugin package. */
export interface PluginListing {
  readonly package: string;
  readonly version: string;
  readonly methods: readonly { readonly name: string; readonly siteKinds: readonly string[]; readonly defaults: Record<string, unknown> }[];
}

export const plugins = defineCommand({
  name: "plugins",
  summary: "list the installed PET-method plugins, their site kinds and default options",
  description:
    "Plugins are npm packages named @s3pet/plugin-<id> (or s3pet-plugin-<id>) with the keyword s3pet-plugin, " +
    "found in node_modules from the current directory up and from the CLI's own install. Installing or " +
    "removing one changes what a search can use. Give a method id to see its options and presets.",
  positionals: [{ name: "method", description: "a method id, e.g. lora: show its options and presets" }],
  options: {
    json: { type: "boolean", description: "print JSON instead of text" },
  },
  examples: [
    { command: "s3pet plugins", description: "what methods a search can use here" },
    { command: "s3pet plugins lora", description: "LoRA's options with defaults, and its presets" },
    { command: "s3pet plugins --json", description: '[{"package","version","methods":[{"name","siteKinds","defaults"}]}]' },
  ],
  async run({ values, positionals }, io) {
    const registry = await loadInstalledPlugins({ from: [io.cwd, ...defaultPluginSearchRoots()] });
    const [methodName] = positionals;
    if (methodName !== undefined) {
      const method = registry.method(methodName);
      const { packageName, version } = registry.providerOf(methodName);
      if (values.json) io.stdout.write(`${JSON.stringify({ package: packageName, version, ...describeMethod(method) })}\n`);
      else io.stdout.write(formatMethod(method, `${packageName} ${version}`));
      return;
    }
    const listing: PluginListing[] = registry.plugins().map((p) => ({
      package: p.packageName,
      version: p.version,
      methods: p.plugin.methods.map((m) => ({ name: m.name, siteKinds: m.siteKinds, defaults: defaultOptions(m.options) })),
    }));
    if (values.json) {
      io.stdout.write(`${JSON.stringify(listing)}\n`);
      return;
    }
    if (listing.length === 0) {
      io.stdout.write("no plugins installed; add one with: npm install @s3pet/plugin-lora\n");
      return;
    }
    const rows = [["package", "version", "method", "site kinds", "defaults"]].concat(
      listing.flatMap((p) =>
        p.methods.map((m) => [p.package, p.version, m.name, m.siteKinds.join(","), formatDefaults(m.defaults)]),
      ),
    );
    io.stdout.write(formatTable(rows));
  },
});

function describeMethod(method: PetMethod) {
  return {
    name: method.name,
    description: method.description,
    siteKinds: method.siteKinds,
    lr: method.lr,
    searchOptions: method.searchOptions ?? {},
    options: Object.entries(method.options).map(([name, spec]) => ({ name, default: spec.default, doc: spec.doc })),
    presets: (method.presets ?? []).map((p) => ({ name: p.name, description: p.description, include: p.include, options: p.options ?? {} })),
  };
}

function formatMethod(method: PetMethod, source: string): string {
  const d = describeMethod(method);
  const lines = [`${d.name} (${source}): ${d.description}`, `site kinds: ${d.siteKinds.join(", ")}`, `learning rate: ${d.lr} (--${d.name}.lr)`];
  if (Object.keys(d.searchOptions).length) lines.push(`in a search space: ${Object.entries(d.searchOptions).map(([k, v]) => `${k}=${v.join(",")}`).join(" ")} (each value a candidate)`);
  lines.push(d.options.length ? "options:" : "options: none");
  lines.push(...formatTable(d.options.map((o) => [`  --${d.name}.${o.name}`, JSON.stringify(o.default), o.doc])).trimEnd().split("\n").filter(Boolean));
  lines.push(d.presets.length ? "presets:" : "presets: none");
  for (const p of d.presets) lines.push(`  ${p.name}: ${p.description} (sites ${p.include.join(" ")}${Object.keys(p.options).length ? `; ${formatDefaults(p.options)}` : ""})`);
  return `${lines.join("\n")}\n`;
}

function formatDefaults(defaults: Readonly<Record<string, unknown>>): string {
  const entries = Object.entries(defaults);
  return entries.length ? entries.map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`).join(" ") : "-";
}

/** Left-aligned columns separated by two spaces, trailing spaces trimmed. */
function formatTable(rows: readonly string[][]): string {
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => r[c]!.length))) ?? [];
  return rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c]!)).join("  ").trimEnd()).join("\n") + (rows.length ? "\n" : "");
}
