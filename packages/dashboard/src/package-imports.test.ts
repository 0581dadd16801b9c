// The dashboard is fed by events alone: at run time it loads ink, react, rxjs and node's own modules,
// never tfjs, the engine or a queue library (types from @s3pet/core are erased at build).
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const SRC = new URL(".", import.meta.url).pathname;
const ALLOWED = /^(react|ink|rxjs|node:.+|\.{1,2}\/.+)$/;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : /\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) && !dir.includes("testing") ? [join(dir, e.name)] : [],
  );
}

describe("the dashboard's run-time imports", () => {
  it("are ink, react, rxjs, node and its own files only", () => {
    const found = sources(SRC).flatMap((file) =>
      [...readFileSync(file, "utf8").matchAll(/^import (?!type )[^;]*? from "([^"]+)";/gms)].map((m) => `${file.slice(SRC.length)}: ${m[1]}`),
    );
    expect(found.length).toBeGreaterThan(20);
    expect(found.filter((f) => !ALLOWED.test(f.split(": ")[1]!))).toEqual([]);
  });
});
