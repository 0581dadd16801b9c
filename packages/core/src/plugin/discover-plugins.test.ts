import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PluginError } from "../errors/s3pet-error.js";
import { discoverPlugins } from "./discover-plugins.js";
import { loadInstalledPlugins, loadPlugin } from "./load-plugin.js";

/** A plain-JS plugin module providing `methods` (no import of core, so it loads from any temp dir). */
function pluginSource(name: string, methods: string[]): string {
  const m = methods.map(
    (id) => `{ name: "${id}", description: "", siteKinds: ["linear"], options: {}, lr: 1e-3, paramCount: () => 1, create() { throw new Error("unused"); } }`,
  );
  return `export default { name: "${name}", version: "0.0.1", methods: [${m.join(", ")}] };\n`;
}

function writePackage(dir: string, pkg: Record<string, unknown>, files: Record<string, string>): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "package.json"), JSON.stringify(pkg));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, ".."), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
}

describe("discoverPlugins and loadPlugin", () => {
  let root: string;
  const keywords = ["s3pet-plugin"];
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), "s3pet-discover-"));
    const nm = join(root, "node_modules");
    writePackage(join(nm, "@s3pet/plugin-alpha"), { name: "@s3pet/plugin-alpha", version: "1.0.0", keywords, type: "module",
      exports: { ".": { types: "./dist/index.d.ts", default: "./dist/index.js" } } }, { "dist/index.js": pluginSource("alpha", ["alpha"]) });
    writePackage(join(nm, "s3pet-plugin-beta"), { name: "s3pet-plugin-beta", version: "2.0.0", keywords, type: "module", main: "main.js" },
      { "main.js": pluginSource("beta", ["beta", "beta-big"]) });
    writePackage(join(nm, "@acme/s3pet-plugin-broken"), { name: "@acme/s3pet-plugin-broken", version: "0.1.0", keywords, type: "module",
      exports: { import: "./index.js" } }, { "index.js": `import "./missing.js";\n` });
    writePackage(join(nm, "@acme/s3pet-plugin-nodefault"), { name: "@acme/s3pet-plugin-nodefault", version: "0.1.0", keywords, type: "module",
      exports: "./index.js" }, { "index.js": "export const methods = [];\n" });
    // not plugins: no keyword, or a name outside the pattern
    writePackage(join(nm, "@s3pet/plugin-nokeyword"), { name: "@s3pet/plugin-nokeyword", version: "1.0.0" }, { "index.js": "" });
    writePackage(join(nm, "left-pad"), { name: "left-pad", version: "1.0.0", keywords }, { "index.js": "" });
    writePackage(join(nm, "@s3pet/core"), { name: "@s3pet/core", version: "1.0.0", keywords }, { "index.js": "" });
    // a project nested below root with its own, nearer copy of alpha
    writePackage(join(root, "project/node_modules/@s3pet/plugin-alpha"), { name: "@s3pet/plugin-alpha", version: "1.1.0", keywords,
      type: "module", exports: "./index.js" }, { "index.js": pluginSource("alpha", ["alpha"]) });
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("finds keyword-tagged packages matching the name pattern, nearest copy first", () => {
    const names = (from: string) => discoverPlugins({ from: [from] }).map((p) => `${p.packageName}@${p.version}`);
    expect(names(root)).toEqual(["@acme/s3pet-plugin-broken@0.1.0", "@acme/s3pet-plugin-nodefault@0.1.0", "@s3pet/plugin-alpha@1.0.0", "s3pet-plugin-beta@2.0.0"]);
    expect(names(join(root, "project"))).toContain("@s3pet/plugin-alpha@1.1.0");
    const alpha = discoverPlugins({ from: [root] }).find((p) => p.packageName === "@s3pet/plugin-alpha")!;
    expect(alpha.entry).toBe(join(root, "node_modules/@s3pet/plugin-alpha/dist/index.js"));
  });

  it("imports a plugin and checks its default export", async () => {
    const found = discoverPlugins({ from: [root] });
    const beta = await loadPlugin(found.find((p) => p.packageName === "s3pet-plugin-beta")!);
    expect(beta.methods.map((m) => m.name)).toEqual(["beta", "beta-big"]);
    const broken = loadPlugin(found.find((p) => p.packageName === "@acme/s3pet-plugin-broken")!);
    await expect(broken).rejects.toThrow(PluginError);
    await expect(broken).rejects.toThrow(/^cannot load plugin @acme\/s3pet-plugin-broken from .*index\.js: .*missing\.js.*\(rebuild or reinstall @acme\/s3pet-plugin-broken\)$/);
    await expect(broken).rejects.toHaveProperty("cause");
    await expect(loadPlugin(found.find((p) => p.packageName === "@acme/s3pet-plugin-nodefault")!)).rejects.toThrow(
      "@acme/s3pet-plugin-nodefault: the default export must be { name, version, methods: PetMethod[] } (found no default export)",
    );
  });

  it("removing a plugin package removes its methods, and asking for one names the package", async () => {
    rmSync(join(root, "node_modules/@acme"), { recursive: true });
    const withBeta = await loadInstalledPlugins({ from: [root] });
    expect(withBeta.methodNames().sort()).toEqual(["alpha", "beta", "beta-big"]);
    expect(withBeta.providerOf("beta")).toMatchObject({ packageName: "s3pet-plugin-beta", version: "2.0.0" });
    rmSync(join(root, "node_modules/s3pet-plugin-beta"), { recursive: true });
    const without = await loadInstalledPlugins({ from: [root] });
    expect(without.methodNames()).toEqual(["alpha"]);
    expect(() => without.method("beta")).toThrow("unknown PET method 'beta': install @s3pet/plugin-beta (installed: alpha)");
  });

  it("by default sees the workspace's own plugins from core's location", () => {
    const names = discoverPlugins().map((p) => p.packageName);
    expect(names).toEqual(expect.arrayContaining(["@s3pet/plugin-lora", "@s3pet/plugin-adapter", "@s3pet/plugin-bitfit", "@s3pet/plugin-prefix"]));
  });
});
