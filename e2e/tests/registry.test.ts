// The packages as a user gets them: a local npm registry (Verdaccio, on loopback, storage in a temp dir,
// no uplinks) gets every workspace package published, then an empty project installs @s3pet/cli and
// one plugin from it and runs the CLI as `npx s3pet`. Only @s3pet/* comes from the local registry
// (a scoped registry, so no @s3pet name can be taken from elsewhere); the third-party dependencies come
// from npm's cache (--prefer-offline), filled by the `npm ci` that built the repo, or the machine's npm
// registry for metadata the cache lacks. The embedded backbone
// and task arrive as @s3pet/assets, a dependency of the CLI (docs/EXPORT.md "Packages").
import { execFileSync, spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../packages/sweep/src/testing/free-port.js";
import { ROOT, tempDir } from "./s3pet-process.js";

/** Every publishable package: every workspace under packages/ and plugins/, and the assets (publish order does not matter to npm). */
const PACKAGES = [...readdirSync(join(ROOT, "packages")).map((p) => `packages/${p}`), "assets", ...readdirSync(join(ROOT, "plugins")).map((p) => `plugins/${p}`)];

const work = tempDir("registry");
const project = join(work, "project");
const npmrc = join(work, "npmrc");
let registry = "";
let verdaccio: ChildProcess | null = null;

const npmEnv = () => ({ ...process.env, npm_config_userconfig: npmrc, npm_config_update_notifier: "false", npm_config_fund: "false", npm_config_audit: "false", CI: undefined, FORCE_COLOR: "0" });

/** Runs npm (or npx) with the test's user config; returns its output, failing the test with it on a non-zero exit. */
function npm(args: readonly string[], cwd: string, tool = "npm"): string {
  const r = spawnSync(tool, args, { cwd, encoding: "utf8", env: npmEnv(), timeout: 300_000 });
  if (r.status !== 0) throw new Error(`${tool} ${args.join(" ")} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** `npm <args>` without blocking, so independent publishes overlap. */
function npmAsync(args: readonly string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn("npm", args, { cwd, env: npmEnv(), stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`npm ${args.join(" ")} failed (${code}):\n${stderr}`))));
  });
}

const s3pet = (args: readonly string[]) => npm(["--no-install", "s3pet", ...args], project, "npx");
const methodsListed = () => (JSON.parse(s3pet(["plugins", "--json"])) as { methods: { name: string }[] }[]).flatMap((p) => p.methods.map((m) => m.name)).sort();

/** The verdaccio executable of the devDependency, wherever npm placed it. */
function verdaccioBin(): string {
  const pkgPath = createRequire(import.meta.url).resolve("verdaccio/package.json");
  const { bin } = JSON.parse(readFileSync(pkgPath, "utf8")) as { bin: string | Record<string, string> };
  return join(dirname(pkgPath), typeof bin === "string" ? bin : bin.verdaccio!);
}

async function waitForRegistry(url: string, deadline: number): Promise<void> {
  for (;;) {
    try {
      if ((await fetch(`${url}-/ping`)).ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`verdaccio did not answer on ${url} in time`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe("install from a registry", () => {
  beforeAll(async () => {
    const port = await freePort();
    registry = `http://127.0.0.1:${port}/`;
    const config = join(work, "verdaccio.yaml");
    writeFileSync(
      config,
      [
        `storage: ${join(work, "storage")}`,
        "auth:",
        "  htpasswd:",
        `    file: ${join(work, "htpasswd")}`,
        "uplinks: {}", // nothing is proxied: the registry only has what the test publishes
        "packages:",
        "  '**':",
        "    access: $all",
        "    publish: $authenticated",
        "log: { type: stdout, format: json, level: warn }",
        "",
      ].join("\n"),
    );
    verdaccio = spawn(process.execPath, [verdaccioBin(), "--config", config, "--listen", `127.0.0.1:${port}`], { stdio: "ignore" });
    await waitForRegistry(registry, Date.now() + 60_000);
    // a user, as `npm adduser` makes one; its token publishes
    const res = await fetch(`${registry}-/user/org.couchdb.user:e2e`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "e2e", password: "e2e-password" }),
    });
    const { token } = (await res.json()) as { token: string };
    expect(token).toBeTruthy();
    writeFileSync(npmrc, `@s3pet:registry=${registry}\n//127.0.0.1:${port}/:_authToken=${token}\nprefer-offline=true\n`);
  }, 120_000);

  afterAll(async () => {
    const child = verdaccio;
    if (!child || child.exitCode !== null) return;
    await new Promise((resolve) => {
      child.once("exit", resolve);
      child.kill();
    });
  });

  it("publishes every package", async () => {
    await Promise.all(PACKAGES.map((pkg) => npmAsync(["publish", join(ROOT, pkg), "--access", "public", "--registry", registry], work)));
    const names = PACKAGES.map((p) => (JSON.parse(readFileSync(join(ROOT, p, "package.json"), "utf8")) as { name: string }).name);
    for (const name of names) expect(JSON.parse(npm(["view", name, "name", "--json"], work))).toBe(name);
  });

  it("installs @s3pet/cli with one plugin into an empty project: plugins lists only it, and a search runs", () => {
    mkdirSync(project);
    npm(["init", "-y"], project);
    npm(["install", "@s3pet/cli", "@s3pet/plugin-lora"], project);
    expect(methodsListed()).toEqual(["lora"]);
    // the embedded backbone and task come from @s3pet/assets: no --model or --task
    const out = join(project, "run");
    s3pet(["search", "--max-examples", "16", "--max-length", "16", "--batch-size", "8", "--epochs", "1", "--max-steps", "2", "--out", out, "--ui", "plain"]);
    const results = JSON.parse(readFileSync(join(out, "results.json"), "utf8")) as { task: string; structure: { method: string }[]; chosenParams: number };
    expect(results.task).toBe("spam");
    expect(results.structure.length).toBeGreaterThan(0);
    expect(new Set(results.structure.map((m) => m.method))).toEqual(new Set(["lora"]));
  });

  it("ships the testing entries' fixtures, for plugins written outside this repository", () => {
    const script = [
      'import { existsSync } from "node:fs";',
      'import { join } from "node:path";',
      'import { TINY_BERT_DIR, TINY_BERT_RELATIVE_KEY_DIR, TINY_T5_DIR, readTokenizerReference, tinyBertBackbones } from "@s3pet/models/testing";',
      'import { FIXTURE_RUN_DIR } from "@s3pet/dashboard/testing";',
      'const files = [join(TINY_BERT_DIR, "model.safetensors"), join(TINY_BERT_RELATIVE_KEY_DIR, "model.safetensors"), join(TINY_T5_DIR, "config.json"), join(FIXTURE_RUN_DIR, "events.jsonl")];',
      // the contract suite's backbones load outside vitest too (only their batches are read here)
      'const batches = tinyBertBackbones().map((b) => b.batch.batch * b.batch.length);',
      'console.log(JSON.stringify({ missing: files.filter((f) => !existsSync(f)), texts: readTokenizerReference().texts.length, batches }));',
    ].join("\n");
    writeFileSync(join(project, "fixtures.mjs"), script);
    const out = JSON.parse(execFileSync(process.execPath, ["fixtures.mjs"], { cwd: project, encoding: "utf8" })) as { missing: string[]; texts: number; batches: number[] };
    expect(out.missing).toEqual([]);
    expect(out.texts).toBeGreaterThan(0);
    expect(out.batches).toEqual([48, 24]); // 2 rows padded to 24 and to 12 tokens
  });

  it("npm install adds a plugin's methods and npm uninstall removes them", () => {
    npm(["install", "@s3pet/plugin-adapter"], project);
    expect(methodsListed()).toEqual(["adapter", "lora"]);
    npm(["uninstall", "@s3pet/plugin-adapter"], project);
    expect(methodsListed()).toEqual(["lora"]);
  });
});
