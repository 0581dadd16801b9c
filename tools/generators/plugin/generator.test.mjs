// The plugin generator: the files it writes (in memory), and, for real, that a generated plugin builds,
// passes its contract tests with no edits, and is found by plugin discovery.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createTreeWithEmptyWorkspace } from "@nx/devkit/testing";
import { loadInstalledPlugins } from "@s3pet/core";
import { describe, expect, it } from "vitest";
import pluginGenerator from "./generator.js";

const workspace = join(dirname(fileURLToPath(import.meta.url)), "../../..");
const solution = `{
  "files": [],
  "references": [
    { "path": "packages/core/tsconfig.build.json" },
    { "path": "plugins/lora/tsconfig.build.json" }
  ]
}
`;

function freshTree() {
  const tree = createTreeWithEmptyWorkspace();
  tree.write("tsconfig.json", solution);
  return tree;
}

describe("nx g @s3pet/tools:plugin", () => {
  it("scaffolds plugins/<name> and references it from the root tsconfig.json", async () => {
    const tree = freshTree();
    const install = await pluginGenerator(tree, { name: "my-method", skipInstall: true });
    expect(install).toBeUndefined();
    const files = tree.listChanges().map((c) => c.path).filter((p) => p.startsWith("plugins/")).sort();
    expect(files).toEqual([
      "plugins/my-method/README.md",
      "plugins/my-method/package.json",
      "plugins/my-method/src/index.ts",
      "plugins/my-method/src/my-method.contract.test.ts",
      "plugins/my-method/src/my-method.ts",
      "plugins/my-method/tsconfig.build.json",
      "plugins/my-method/tsconfig.json",
      "plugins/my-method/vitest.config.ts",
    ]);
    const pkg = JSON.parse(tree.read("plugins/my-method/package.json", "utf-8"));
    expect(pkg).toMatchObject({ name: "@s3pet/plugin-my-method", type: "module", keywords: ["s3pet-plugin"] });
    // one core and one tfjs per process: the plugin uses the host's, so they are peers (dev deps to build)
    expect(pkg.dependencies).toBeUndefined();
    expect(pkg.peerDependencies).toEqual({ "@s3pet/core": "^0.1.0", "@tensorflow/tfjs": "4.22.0" });
    expect(pkg).toMatchObject({ license: "MIT", repository: { directory: "plugins/my-method" }, exports: { ".": { default: "./dist/index.js" } } });
    expect(pkg.files).toEqual(["dist", "!dist/.tsbuildinfo", "!dist/**/*.test.*"]);
    const method = tree.read("plugins/my-method/src/my-method.ts", "utf-8");
    expect(method).toContain('const NAME = "my-method";');
    expect(method).toContain("export const myMethod = definePetMethod({");
    expect(method).toContain("export type MyMethodOptions = OptionsOf<typeof myMethodOptions>;");
    expect(method).not.toContain("<%");
    expect(tree.read("plugins/my-method/src/index.ts", "utf-8")).toContain('methods: [myMethod]');
    const root = tree.read("tsconfig.json", "utf-8");
    expect(JSON.parse(root).references.map((r) => r.path)).toEqual([
      "packages/core/tsconfig.build.json",
      "plugins/lora/tsconfig.build.json",
      "plugins/my-method/tsconfig.build.json",
    ]);
    expect(root).toContain('    { "path": "plugins/lora/tsconfig.build.json" },\n    { "path": "plugins/my-method/tsconfig.build.json" }\n  ]');
  });

  it("returns an npm install task unless told to skip it", async () => {
    expect(typeof (await pluginGenerator(freshTree(), { name: "abc" }))).toBe("function");
  });

  it("rejects invalid names and existing plugins with a message naming the fix", async () => {
    await expect(pluginGenerator(freshTree(), { name: "IA3", skipInstall: true })).rejects.toThrow("plugin name 'IA3' must match");
    await expect(pluginGenerator(freshTree(), { name: "ok", siteKinds: "linear,attention", skipInstall: true })).rejects.toThrow("--site-kinds: 'attention' is not a skeleton site kind");
    const tree = freshTree();
    await pluginGenerator(tree, { name: "twice", skipInstall: true });
    await expect(pluginGenerator(tree, { name: "twice", skipInstall: true })).rejects.toThrow("plugins/twice already exists");
  });

  it("--site-kinds and --no-options shape the skeleton", async () => {
    const tree = freshTree();
    await pluginGenerator(tree, { name: "bare", siteKinds: "norm,residual", options: false, skipInstall: true });
    const method = tree.read("plugins/bare/src/bare.ts", "utf-8");
    expect(method).toContain('siteKinds: ["norm", "residual"],');
    expect(method).toContain("paramCount: (site) => site.dim,");
    expect(method).toContain("options: {},");
    expect(method).not.toMatch(/numberOption|scale|<%/);
    expect(tree.read("plugins/bare/src/bare.contract.test.ts", "utf-8")).not.toContain("scale");
    expect(tree.read("plugins/bare/src/index.ts", "utf-8")).not.toContain("BareOptions");
  });

  it.each([
    { label: "the default skeleton", options: {} },
    { label: "every skeleton site kind, no options", options: { siteKinds: "linear,norm,residual,embedding", options: false } },
  ])("generates a plugin that builds, passes its contract tests with no edits, and is discovered: $label", async ({ options }) => {
    // Written next to plugins/ depth-wise (<workspace>/<tmp>/<name>) so the generated relative paths resolve.
    const scratch = mkdtempSync(join(workspace, ".generator-test-"));
    try {
      const tree = freshTree();
      await pluginGenerator(tree, { name: "gen-check", skipInstall: true, ...options });
      for (const change of tree.listChanges()) {
        if (!change.path.startsWith("plugins/gen-check/") || change.type === "DELETE") continue;
        const target = join(scratch, change.path.slice("plugins/".length));
        mkdirSync(dirname(target), { recursive: true });
        writeFileSync(target, change.content);
      }
      const dir = join(scratch, "gen-check");
      const run = (args) => spawnSync("npx", args, { cwd: dir, encoding: "utf8", env: { ...process.env, CI: "true" } });
      const build = run(["tsc", "-p", "tsconfig.build.json"]);
      expect(build.stdout + build.stderr).toBe("");
      expect(build.status).toBe(0);
      const test = run(["vitest", "run", "--reporter=json", "--outputFile=results.json"]);
      expect(test.status, test.stdout + test.stderr).toBe(0);
      const results = JSON.parse(readFileSync(join(dir, "results.json"), "utf8"));
      expect(results.numFailedTests).toBe(0);
      expect(results.numPassedTests).toBeGreaterThan(10);

      mkdirSync(join(scratch, "node_modules/@s3pet"), { recursive: true });
      symlinkSync(dir, join(scratch, "node_modules/@s3pet/plugin-gen-check"));
      const registry = await loadInstalledPlugins({ from: [scratch] });
      expect(registry.providerOf("gen-check")).toMatchObject({ packageName: "@s3pet/plugin-gen-check", version: "0.1.0" });
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }, 240_000); // builds a package with tsc and runs its tests: minutes on a loaded machine
});
