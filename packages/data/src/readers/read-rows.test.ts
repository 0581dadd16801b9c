import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { S3petInputError } from "@s3pet/core";
import { readRows } from "./read-rows.js";

function file(name: string, content: string): string {
  const path = join(mkdtempSync(join(tmpdir(), "s3pet-data-")), name);
  writeFileSync(path, content);
  return path;
}

describe("readRows", () => {
  it("reads JSONL objects with their line numbers, skipping blank lines", () => {
    const f = file("train.jsonl", '{"text":"a","label":"x"}\n\n{"text":"b","label":1}\n');
    expect(readRows(f)).toEqual([
      { file: f, line: 1, fields: { text: "a", label: "x" } },
      { file: f, line: 3, fields: { text: "b", label: 1 } },
    ]);
  });
  it("reads CSV and TSV with a header row", () => {
    const c = file("d.csv", 'text,label\n"a, b",pos\n');
    expect(readRows(c)[0]!.fields).toEqual({ text: "a, b", label: "pos" });
    const t = file("d.tsv", 'text\tlabel\n"a\tpos\n');
    expect(readRows(t)[0]!.fields).toEqual({ text: '"a', label: "pos" });
  });
  it("names columns of a headerless file when asked", () => {
    const t = file("d.tsv", "x\t1\n");
    expect(readRows(t, { columns: ["text", "label"] })[0]).toEqual({ file: t, line: 1, fields: { text: "x", label: "1" } });
  });
  it("reports a malformed JSONL line with file and line, as one line", () => {
    const f = file("train.jsonl", '{"text":"a","label":"x"}\n{"text": "b", label: 1}\n');
    let error: unknown;
    try {
      readRows(f);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(S3petInputError);
    const message = (error as Error).message;
    expect(message).toMatch(new RegExp(`^${f.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:2: invalid JSON \\(.+\\); fix or remove the line$`));
    expect(message).not.toContain("\n");
  });
  it("rejects a JSONL line that is not an object", () => {
    const f = file("t.jsonl", '["a", 1]\n');
    expect(() => readRows(f)).toThrow(`${f}:1: expected a JSON object like {"text": ..., "label": ...}, got an array`);
  });
  it("reports a CSV row with the wrong number of fields", () => {
    const f = file("t.csv", "text,label\nonly-one\n");
    expect(() => readRows(f)).toThrow(`${f}:2: expected 2 fields (text, label), got 1; check the commas and quoting`);
  });
  it("reports a duplicate header column", () => {
    const f = file("t.tsv", "text\ttext\n");
    expect(() => readRows(f)).toThrow(`${f}:1: duplicate column 'text' in the header row; rename one`);
  });
  it("rejects unknown extensions and missing files", () => {
    expect(() => readRows(file("t.txt", "x"))).toThrow("unsupported data file type '.txt' (use .jsonl, .csv, .tsv)");
    expect(() => readRows("/nonexistent/train.jsonl")).toThrow("/nonexistent/train.jsonl: cannot read data file (ENOENT); check the path");
  });
});
