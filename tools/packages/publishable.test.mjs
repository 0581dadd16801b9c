// Every workspace package a user installs is publishable as it stands: the manifest fields npm and users
// need, and `npm pack --dry-run --json` lists only what should ship (built code, README, the assets),
// never tests, test fixtures, sources or .tsbuildinfo (docs/EXPORT.md "Packages").
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const root = new URL("../..", import.meta.url).pathname;
const dirs = [
  ...readdirSync(join(root, "packages")).map((d) => `packages/${d}`),
  ...readdirSync(join(root, "plugins")).map((d) => `plugins/${d}`),
  "assets",
];
const manifest = (dir) => JSON.parse(readFileSync(join(root, dir, "package.json"), "utf8"));

describe.each(dirs)("%s", (dir) => {
  const pkg = manifest(dir);

  it("has name, version, description, exports, files, licence, repository and a README", () => {
    expect(pkg.private).toBeUndefined();
    expect(pkg.name).toMatch(/^@s3pet\//);
    for (const field of ["version", "description", "license", "exports", "files"]) expect(pkg[field], field).toBeTruthy();
    expect(pkg.repository).toMatchObject({ type: "git", directory: dir });
  });

  it("depends on sibling packages by a semver range, plugins on core and tfjs as peers", () => {
    for (const [name, range] of Object.entries({ ...pkg.dependencies, ...pkg.peerDependencies })) {
      if (name.startsWith("@s3pet/")) expect(range, name).toBe("^0.1.0");
    }
    if (dir.startsWith("plugins/")) {
      expect(pkg.keywords).toContain("s3pet-plugin");
      expect(pkg.dependencies?.["@s3pet/core"]).toBeUndefined();
      expect(pkg.peerDependencies).toMatchObject({ "@s3pet/core": "^0.1.0", "@tensorflow/tfjs": "4.22.0" });
    }
  });

  it("npm pack ships built code and docs only", () => {
    const r = spawnSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: join(root, dir), encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    const files = JSON.parse(r.stdout)[0].files.map((f) => f.path);
    expect(files).toContain("package.json");
    expect(files).toContain("README.md");
    // Fixtures ship only where the package's testing entry points at them (a plugin outside the repo runs
    // contract tests on them), and only the directories package.json lists.
    const fixtureDirs = (pkg.files ?? []).filter((f) => f.startsWith("test-fixtures/"));
    if (fixtureDirs.length > 0) expect(pkg.exports?.["./testing"], "test fixtures ship only with a ./testing entry").toBeDefined();
    for (const d of fixtureDirs) expect(files.some((f) => f.startsWith(`${d}/`)), d).toBe(true);
    const listedFixture = (f) => fixtureDirs.some((d) => f.startsWith(`${d}/`));
    const unwanted = files.filter((f) => !listedFixture(f) && /\.test\.|test-fixtures\/|\.tsbuildinfo$|^src\/|(^|\/)testing\/planted|test-results\.json|tsconfig/.test(f));
    expect(unwanted).toEqual([]);
    if (dir === "assets") {
      expect(files).toEqual(expect.arrayContaining(["backbone/model.safetensors", "backbone/vocab.txt", "tasks/spam/task.json", "tasks/spam/test.jsonl"]));
      return;
    }
    // every export target is in the package (so `import` works after install)
    for (const target of Object.values(pkg.exports).map((e) => (typeof e === "string" ? e : e.default))) {
      expect(files, target).toContain(target.replace(/^\.\//, ""));
    }
    if (pkg.bin) for (const bin of Object.values(pkg.bin)) expect(files).toContain(bin.replace(/^\.\//, ""));
  });
});
