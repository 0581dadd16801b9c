import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { replaceDocSection } from "./replace-doc-section.mjs";

describe("replaceDocSection", () => {
  const doc = join(mkdtempSync(join(tmpdir(), "s3pet-doc-")), "BENCHMARKS.md");

  it("appends the marked block the first time and replaces only it afterwards", () => {
    writeFileSync(doc, "# Benchmarks\n\n## Matmul\n\nother people's table\n");
    replaceDocSection(doc, "speed", "## Speed\n\nfirst");
    expect(readFileSync(doc, "utf8")).toBe("# Benchmarks\n\n## Matmul\n\nother people's table\n\n<!-- bench:speed:start -->\n## Speed\n\nfirst\n<!-- bench:speed:end -->\n");
    writeFileSync(doc, readFileSync(doc, "utf8") + "\n## Later section\n");
    replaceDocSection(doc, "speed", "## Speed\n\nsecond\n");
    expect(readFileSync(doc, "utf8")).toBe("# Benchmarks\n\n## Matmul\n\nother people's table\n\n<!-- bench:speed:start -->\n## Speed\n\nsecond\n<!-- bench:speed:end -->\n\n## Later section\n");
  });

  it("refuses a document whose markers are not a pair in order, leaving it as it was", () => {
    const broken = "# Benchmarks\n\n## Speed\n\nold\n<!-- bench:speed:end -->\n\n## Later section\n";
    writeFileSync(doc, broken);
    expect(() => replaceDocSection(doc, "speed", "## Speed\n\nnew")).toThrow(/not a pair in order/);
    expect(readFileSync(doc, "utf8")).toBe(broken);
  });
});

// The committed document: each generated section is one "## " section between its own pair of markers, so
// a benchmark's --write-docs replaces exactly its own section and no hand-written one beside it.
describe("docs/BENCHMARKS.md", () => {
  const text = readFileSync(join(dirname(fileURLToPath(import.meta.url)), "../../docs/BENCHMARKS.md"), "utf8");

  it("pairs every section marker, in order, around exactly one ## heading", () => {
    const markers = [...text.matchAll(/<!-- bench:([\w-]+):(start|end) -->/g)].map((m) => `${m[1]}:${m[2]}`);
    expect(markers.length).toBeGreaterThan(0);
    for (let k = 0; k < markers.length; k += 2) {
      const name = markers[k].replace(/:start$/, "");
      expect([markers[k], markers[k + 1]]).toEqual([`${name}:start`, `${name}:end`]);
      const body = text.slice(text.indexOf(`<!-- bench:${name}:start -->`), text.indexOf(`<!-- bench:${name}:end -->`));
      expect(body.split("\n").filter((line) => line.startsWith("## ")), name).toHaveLength(1);
    }
  });
});
