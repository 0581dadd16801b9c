// @ts-check
// `npx nx g @s3pet/tools:plugin <name>`: scaffolds plugins/<name> as the package @s3pet/plugin-<name>
// (keyword s3pet-plugin, tsconfigs, vitest config, a working method skeleton, its contract test and a
// README), adds it to the root solution tsconfig.json, then runs npm install so the workspace is linked
// and discovery finds it (docs/BACKEND.md "Toolchain" §4, docs/PLUGINS.md). Plain ESM JS: Node 20 cannot load a
// .ts generator without swc-node.
import { execSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { generateFiles, names } from "@nx/devkit";

const METHOD_ID = /^[a-z][a-z0-9-]*$/;
/** Site kinds the skeleton's delta (a learned shift of the site's output) fits; attention takes prefixes. */
const SKELETON_KINDS = ["linear", "norm", "residual", "embedding"];
const here = dirname(fileURLToPath(import.meta.url));

/**
 * @param {import("@nx/devkit").Tree} tree
 * @param {{ name: string; siteKinds?: string; options?: boolean; skipInstall?: boolean }} options
 */
export default async function pluginGenerator(tree, options) {
  const name = String(options.name ?? "");
  if (!METHOD_ID.test(name)) {
    throw new Error(`plugin name '${name}' must match ${METHOD_ID} (lowercase letters, digits, '-'), e.g. ia3`);
  }
  const root = `plugins/${name}`;
  if (tree.exists(root)) throw new Error(`${root} already exists; pick another name or delete it first`);

  const kinds = String(options.siteKinds ?? "linear").split(",").map((k) => k.trim()).filter(Boolean);
  const bad = kinds.filter((k) => !SKELETON_KINDS.includes(k));
  if (kinds.length === 0 || bad.length > 0) {
    throw new Error(`--site-kinds: '${bad.join(",") || options.siteKinds}' is not a skeleton site kind; use a comma-separated list of ${SKELETON_KINDS.join(", ")} (attention: start from plugins/prefix)`);
  }
  const { propertyName, className } = names(name);
  generateFiles(tree, join(here, "files"), root, {
    name,
    propertyName,
    className,
    kinds,
    // the width of a site's output, written for exactly these kinds so the skeleton type-checks
    width: kinds.every((k) => k === "linear") ? "site.dOut" : kinds.includes("linear") ? 'site.kind === "linear" ? site.dOut : site.dim' : "site.dim",
    withOptions: options.options !== false,
    tmpl: "",
  });
  addSolutionReference(tree, `${root}/tsconfig.build.json`);

  if (options.skipInstall) return undefined;
  return () => execSync("npm install --no-audit --no-fund", { cwd: tree.root, stdio: "inherit" });
}

/** Adds `{ "path": ... }` to the root tsconfig.json references, keeping its one-line-per-entry layout. */
function addSolutionReference(tree, path) {
  const text = tree.read("tsconfig.json", "utf-8");
  if (text === null) throw new Error("no tsconfig.json at the workspace root; run the generator from the s3pet checkout");
  const json = JSON.parse(text);
  if ((json.references ?? []).some((r) => r.path === path)) return;
  const lastEntry = /(\{\s*"path"\s*:\s*"[^"]*"\s*\})(\s*\n?\s*\]\s*\}?\s*)$/;
  const updated = lastEntry.test(text)
    ? text.replace(lastEntry, (_, last, tail) => `${last},\n    { "path": "${path}" }${tail}`)
    : `${JSON.stringify({ ...json, references: [...(json.references ?? []), { path }] }, null, 2)}\n`;
  tree.write("tsconfig.json", updated);
}
