import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CommandIo } from "../cli/command.js";
import { runCli } from "../cli/run-cli.js";
import { plugins } from "./plugins.js";

async function run(argv: string[], cwd = "/") {
  let stdout = "";
  let stderr = "";
  const io: CommandIo = { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) }, env: {}, cwd };
  return { code: await runCli(argv, io, [plugins]), stdout, stderr };
}

describe("s3pet plugins", () => {
  it("--json lists the workspace's seven plugins with site kinds and defaults", async () => {
    const r = await run(["plugins", "--json"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const listing = JSON.parse(r.stdout) as { package: string; version: string; methods: { name: string; siteKinds: string[]; defaults: object }[] }[];
    const byMethod = Object.fromEntries(listing.flatMap((p) => p.methods.map((m) => [m.name, { ...m, package: p.package, version: p.version }])));
    expect(Object.keys(byMethod)).toEqual(expect.arrayContaining(["adapter", "bitfit", "ia3", "lnfit", "lora", "low-rank-adapter", "prefix"]));
    expect(byMethod.lora).toEqual({ package: "@s3pet/plugin-lora", version: "0.1.0", name: "lora", siteKinds: ["linear"], defaults: { rank: 8, alpha: 16, dropout: 0 } });
    expect(byMethod.adapter).toMatchObject({ siteKinds: ["residual"], defaults: { bottleneck: 0, reductionFactor: 16, activation: "gelu" } });
    expect(byMethod.bitfit).toMatchObject({ siteKinds: ["linear", "norm"], defaults: {} });
    expect(byMethod.prefix).toMatchObject({ siteKinds: ["attention"], defaults: { length: 10, reparameterize: false, reparamHidden: 0 } });
    expect(byMethod.ia3).toMatchObject({ package: "@s3pet/plugin-ia3", siteKinds: ["linear", "activation"], defaults: {} });
    expect(byMethod.lnfit).toMatchObject({ package: "@s3pet/plugin-lnfit", siteKinds: ["norm"], defaults: {} });
    expect(byMethod["low-rank-adapter"]).toMatchObject({ siteKinds: ["residual"], defaults: { rank: 1, bottleneck: 0, reductionFactor: 32, activation: "gelu" } });
  });

  it("prints a table with one row per method", async () => {
    const r = await run(["plugins"]);
    expect(r.code).toBe(0);
    const lines = r.stdout.split("\n");
    expect(lines[0]).toMatch(/^package +version +method +site kinds +defaults$/);
    expect(lines).toContainEqual(expect.stringMatching(/^@s3pet\/plugin-lora +0\.1\.0 +lora +linear +rank=8 alpha=16 dropout=0$/));
    expect(lines).toContainEqual(expect.stringMatching(/^@s3pet\/plugin-bitfit +0\.1\.0 +bitfit +linear,norm +-$/));
  });

  it("describes one method's options and presets", async () => {
    const r = await run(["plugins", "lora"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("lora (@s3pet/plugin-lora 0.1.0): low-rank update");
    expect(r.stdout).toMatch(/\n  --lora\.rank +8 +rank r of the update A B\n/);
    expect(r.stdout).toContain("learning rate: 0.003 (--lora.lr)\nin a search space: rank=1,8 (each value a candidate)\n");
    expect(r.stdout).toContain("  lora: LoRA r=8 on the query and value projections of every layer (Hu et al.) (sites attention.self.query attention.self.value SelfAttention.q SelfAttention.v EncDecAttention.q EncDecAttention.v; rank=8)");
  });

  it("names the package to install for a method that is not installed (exit 2)", async () => {
    const r = await run(["plugins", "dora"]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/^s3pet plugins: unknown PET method 'dora': install @s3pet\/plugin-dora \(installed: .*lora.*\)\n$/);
  });

  describe("in a project with its own plugin", () => {
    let project: string;
    const pluginDir = () => join(project, "node_modules/s3pet-plugin-shift");
    beforeAll(() => {
      project = mkdtempSync(join(tmpdir(), "s3pet-project-"));
      mkdirSync(pluginDir(), { recursive: true });
      writeFileSync(join(pluginDir(), "package.json"), JSON.stringify({ name: "s3pet-plugin-shift", version: "3.1.4", type: "module", keywords: ["s3pet-plugin"], main: "index.js" }));
      writeFileSync(join(pluginDir(), "index.js"),
        `export default { name: "shift", version: "3.1.4", methods: [{ name: "shift", description: "a shift", siteKinds: ["residual"], options: {}, lr: 1e-3, paramCount: (s) => s.dim, create() { throw new Error("unused"); } }] };\n`);
    });
    afterAll(() => rmSync(project, { recursive: true, force: true }));

    it("lists it from the project's node_modules, and forgets it once removed", async () => {
      const withIt = JSON.parse((await run(["plugins", "--json"], project)).stdout) as { package: string }[];
      expect(withIt.map((p) => p.package)).toEqual(expect.arrayContaining(["s3pet-plugin-shift", "@s3pet/plugin-lora"]));
      expect((await run(["plugins", "shift"], project)).stdout).toContain("shift (s3pet-plugin-shift 3.1.4): a shift");

      rmSync(pluginDir(), { recursive: true });
      const without = JSON.parse((await run(["plugins", "--json"], project)).stdout) as { package: string }[];
      expect(without.map((p) => p.package)).not.toContain("s3pet-plugin-shift");
      const asked = await run(["plugins", "shift"], project);
      expect(asked.code).toBe(2);
      expect(asked.stderr).toContain("unknown PET method 'shift': install @s3pet/plugin-shift");
    });
  });
});
