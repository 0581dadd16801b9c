// Source explains itself from inside the repository: comments name no issue numbers and no briefing
// files that a clone does not have, and every docs/*.md a source file names exists.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const root = new URL("../../", import.meta.url).pathname;
const self = "tools/lint/source-comments.test.mjs";
const sources = execFileSync("git", ["ls-files", "packages", "plugins", "tools", "e2e"], { cwd: root, encoding: "utf8" })
  .split("\n")
  .filter((f) => /\.(ts|tsx|mts|js|mjs|cjs|py)$/.test(f) && f !== self && existsSync(join(root, f)));

/** `file:line: text` of every line of the sources that matches `pattern`. */
function linesMatching(pattern) {
  return sources.flatMap((f) =>
    readFileSync(join(root, f), "utf8")
      .split("\n")
      .flatMap((line, i) => (pattern.test(line) ? [`${f}:${i + 1}: ${line.trim()}`] : [])),
  );
}

describe("source comments", () => {
  it("read the sources (the check is not vacuous)", () => {
    expect(sources.length).toBeGreaterThan(100);
  });

  it("name no issue numbers", () => {
    expect(linesMatching(/\bissues? #?\d+/i)).toEqual([]);
  });

  it("name no briefing file outside the repository", () => {
    expect(linesMatching(/\b(method|style|toolchain|tfjs|architecture)\.md\b/)).toEqual([]);
  });

  it("name only docs that exist", () => {
    const named = new Set(sources.flatMap((f) => [...readFileSync(join(root, f), "utf8").matchAll(/\bdocs\/[\w./-]+\.md\b/g)].map((m) => m[0])));
    expect(named.size).toBeGreaterThan(5);
    expect([...named].filter((d) => !existsSync(join(root, d)))).toEqual([]);
  });
});
