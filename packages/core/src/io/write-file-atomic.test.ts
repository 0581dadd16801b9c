import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { writeFileAtomic, writeJsonAtomic } from "./write-file-atomic.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "s3pet-atomic-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("writeFileAtomic", () => {
  it("writes text, bytes and byte chunks, and leaves no temp file", () => {
    writeFileAtomic(join(dir, "a.txt"), "héllo");
    writeFileAtomic(join(dir, "b.bin"), new Uint8Array([1, 2, 3]));
    writeFileAtomic(join(dir, "c.bin"), [new Uint8Array([1]), new Uint8Array(0), new Uint8Array([2, 3])]);
    expect(readFileSync(join(dir, "a.txt"), "utf8")).toBe("héllo");
    expect([...readFileSync(join(dir, "b.bin"))]).toEqual([1, 2, 3]);
    expect([...readFileSync(join(dir, "c.bin"))]).toEqual([1, 2, 3]);
    expect(readdirSync(dir).sort()).toEqual(["a.txt", "b.bin", "c.bin"]);
  });

  it("replaces an existing file and creates missing parent directories", () => {
    const path = join(dir, "run", "checkpoints", "state.json");
    writeFileAtomic(path, "old");
    writeFileAtomic(path, "new");
    expect(readFileSync(path, "utf8")).toBe("new");
    expect(readdirSync(join(dir, "run", "checkpoints"))).toEqual(["state.json"]);
  });

  it("keeps the old file and removes its temp file when the write fails", () => {
    const target = join(dir, "target");
    mkdirSync(target); // renaming a file over a directory fails
    writeFileSync(join(target, "inside"), "x");
    expect(() => writeFileAtomic(target, "data")).toThrow();
    expect(readdirSync(dir)).toEqual(["target"]);
    expect(readFileSync(join(target, "inside"), "utf8")).toBe("x");
  });
});

describe("writeJsonAtomic", () => {
  it("writes pretty JSON that parses back to the value", () => {
    const value = { seed: 7, budget: [1, 2.5], nested: { ok: true } };
    writeJsonAtomic(join(dir, "run.json"), value);
    const text = readFileSync(join(dir, "run.json"), "utf8");
    expect(JSON.parse(text)).toEqual(value);
    expect(text.endsWith("}\n")).toBe(true);
    expect(text).toContain('\n  "seed": 7');
  });
});
