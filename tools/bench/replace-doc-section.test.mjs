import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
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
});
