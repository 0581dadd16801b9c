#!/usr/bin/env node
// The README's test command: build, typecheck and test every project with nx, lint (eslint.config.js), then add up every
// project's vitest JSON report and print the closing line `N passed, N failed` (CI reads it).
// Exits non-zero when any nx task failed, any test failed, or no test passed.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const projectDirs = ["packages", "plugins"]
  .flatMap((d) => (existsSync(join(root, d)) ? readdirSync(join(root, d)).map((p) => join(root, d, p)) : []))
  .concat([join(root, "tools"), join(root, "e2e")]);
const reports = projectDirs.map((d) => join(d, "test-results.json"));
for (const r of reports) rmSync(r, { force: true });

const nx = spawnSync(
  "npx",
  ["nx", "run-many", "-t", "build", "typecheck", "test", "--outputStyle=static", ...process.argv.slice(2)],
  { cwd: root, stdio: "inherit", env: { ...process.env, NX_DAEMON: "false" } },
);

// Lint after the build: the type-aware rules read the packages' built declarations.
const lint = nx.status === 0 ? spawnSync("npx", ["eslint", "."], { cwd: root, stdio: "inherit" }) : null;
if (lint === null) console.error("nx failed (see the failed tasks above); eslint was not run");
else if (lint.status !== 0) console.error("eslint failed (see above)");

let passed = 0, failed = 0, skipped = 0;
for (const r of reports) {
  if (!existsSync(r)) continue;
  const j = JSON.parse(readFileSync(r, "utf8"));
  passed += j.numPassedTests ?? 0;
  failed += (j.numFailedTests ?? 0) + (j.numRuntimeErrorTestSuites ?? 0);
  skipped += (j.numPendingTests ?? 0) + (j.numTodoTests ?? 0);
  if (j.success === false && (j.numFailedTests ?? 0) === 0 && (j.numFailedTestSuites ?? 0) > 0) failed += j.numFailedTestSuites;
}
if ((nx.status !== 0 || lint?.status !== 0) && failed === 0) failed = 1; // a build, typecheck or lint failure counts as a failure
console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(nx.status !== 0 || lint?.status !== 0 || failed > 0 || passed === 0 ? 1 : 0);
