import { describe, expect, it } from "vitest";
import { parseDelimited } from "./parse-delimited.js";

const csv = { delimiter: ",", quoting: true } as const;
const tsv = { delimiter: "\t", quoting: false } as const;

describe("parseDelimited: CSV (RFC 4180)", () => {
  it("reads quoted fields with commas, doubled quotes and line breaks, and CRLF records", () => {
    const text = 'text,label\r\n"hello, world",1\r\n"she said ""hi""",0\r\n"two\nlines",1\r\n';
    expect(parseDelimited(text, "f.csv", csv)).toEqual([
      { line: 1, cells: ["text", "label"] },
      { line: 2, cells: ["hello, world", "1"] },
      { line: 3, cells: ['she said "hi"', "0"] },
      { line: 4, cells: ["two\nlines", "1"] },
    ]);
  });
  it("numbers records by their first line after a multi-line field, skips blank lines and a BOM", () => {
    const text = '\uFEFFa,b\n"x\ny",1\n\nz,2';
    expect(parseDelimited(text, "f.csv", csv)).toEqual([
      { line: 1, cells: ["a", "b"] },
      { line: 2, cells: ["x\ny", "1"] },
      { line: 5, cells: ["z", "2"] },
    ]);
  });
  it("keeps empty fields", () => {
    expect(parseDelimited('a,,""\n', "f.csv", csv)).toEqual([{ line: 1, cells: ["a", "", ""] }]);
  });
  it("reports an unterminated quote at the line where it opens", () => {
    expect(() => parseDelimited('a,b\n1,"oops\n2,3\n', "data/train.csv", csv)).toThrow(
      'data/train.csv:2: field 2: unterminated quoted field (close the " or double a literal quote as "")',
    );
  });
  it("reports text after a closing quote", () => {
    expect(() => parseDelimited('a,b\n"x"y,1\n', "t.csv", csv)).toThrow("t.csv:2: field 1: unexpected 'y' after a closing quote");
  });
});

describe("parseDelimited: TSV (no quoting, as GLUE)", () => {
  it("treats quotes as ordinary characters and one line as one record", () => {
    expect(parseDelimited('s\tl\r\n" quoted \t1\n\nit\'s\t0\n', "t.tsv", tsv)).toEqual([
      { line: 1, cells: ["s", "l"] },
      { line: 2, cells: ['" quoted ', "1"] },
      { line: 4, cells: ["it's", "0"] },
    ]);
  });
});
