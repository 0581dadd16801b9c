// The @s3pet/core/events entry stays tfjs-free: follow its relative imports through the sources and
// check that no file on the way imports a package (tfjs, tsyringe, rxjs, ...).
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const here = dirname(fileURLToPath(import.meta.url));
const IMPORT = /^\s*(?:import|export)\s[^;]*?from\s+"([^"]+)"/gm;

/** Every file reachable from `entry` by relative imports, and every bare package they import. */
function importGraph(entry: string): { files: string[]; packages: string[] } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string): void => {
    if (files.has(file)) return;
    files.add(file);
    for (const [, spec] of readFileSync(file, "utf8").matchAll(IMPORT)) {
      if (spec!.startsWith(".")) visit(resolve(dirname(file), spec!.replace(/\.js$/, ".ts")));
      else packages.add(spec!);
    }
  };
  visit(entry);
  return { files: [...files], packages: [...packages] };
}

describe("@s3pet/core/events", () => {
  it("imports no package, so loading it never loads tfjs", () => {
    const graph = importGraph(resolve(here, "index.ts"));
    expect(graph.files.length).toBeGreaterThanOrEqual(3); // index, events, discretize-greedy
    expect(graph.packages).toEqual([]);
  });
  it("exports discretizeGreedy as a function", async () => {
    const entry = await import("./index.js");
    expect(entry.discretizeGreedy([2, 3], [0.1, 0.9], 4)).toEqual([1]);
  });
});
