// Reads a data file into TableRows, by extension: `.jsonl` (one JSON object per line), `.csv` (RFC 4180,
// header row) or `.tsv` (header row, no quoting). Malformed input fails here with file, line and field.
import { readFileSync } from "node:fs";
import { extname } from "node:path";
import { briefJson, S3petInputError } from "@s3pet/core";
import { parseDelimited, type DelimitedFormat } from "./parse-delimited.js";
import { rowError, type TableRow } from "./table-row.js";

export const DATA_FILE_EXTENSIONS = [".jsonl", ".csv", ".tsv"] as const;

export interface ReadRowsOptions {
  /**
   * Column names for a headerless CSV/TSV file; by default the first record is the header.
   * @default undefined (first record is the header)
   */
  readonly columns?: readonly string[];
}

export function readRows(file: string, options: ReadRowsOptions = {}): TableRow[] {
  const ext = extname(file).toLowerCase();
  const text = readText(file);
  switch (ext) {
    case ".jsonl":
      return parseJsonl(text, file);
    case ".csv":
      return delimitedRows(text, file, { delimiter: ",", quoting: true }, options.columns);
    case ".tsv":
      return delimitedRows(text, file, { delimiter: "\t", quoting: false }, options.columns);
    default:
      throw new S3petInputError(`${file}: unsupported data file type '${ext || "(none)"}' (use ${DATA_FILE_EXTENSIONS.join(", ")})`);
  }
}

function readText(file: string): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new S3petInputError(`${file}: cannot read data file (${code ?? String(e)}); check the path`, { cause: e });
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    // Replacing the bytes with U+FFFD would train on text that is not in the file: refuse, naming the line.
    throw new S3petInputError(rowError({ file, line: firstInvalidLine(bytes) }, "bytes that are not UTF-8; convert the file to UTF-8 (e.g. iconv -f latin1 -t utf-8)"));
  }
}

/** 1-based line of the first byte sequence that is not UTF-8. */
function firstInvalidLine(bytes: Buffer): number {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  let line = 1;
  for (let start = 0; start < bytes.length; line++) {
    const end = bytes.indexOf(0x0a, start);
    const stop = end === -1 ? bytes.length : end;
    try {
      decoder.decode(bytes.subarray(start, stop));
    } catch {
      return line;
    }
    start = stop + 1;
  }
  return line;
}

export function parseJsonl(text: string, file: string): TableRow[] {
  const rows: TableRow[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!.trim();
    if (raw.length === 0) continue;
    const where = { file, line: i + 1 };
    let value: unknown;
    try {
      value = JSON.parse(i === 0 && raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw);
    } catch (e) {
      throw new S3petInputError(rowError(where, `invalid JSON (${(e as Error).message.split("\n")[0]}); fix or remove the line`), { cause: e });
    }
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      throw new S3petInputError(rowError(where, `expected a JSON object like {"text": ..., "label": ...}, got ${Array.isArray(value) ? "an array" : briefJson(value)}`));
    }
    rows.push({ ...where, fields: value as Record<string, unknown> });
  }
  return rows;
}

function delimitedRows(text: string, file: string, format: DelimitedFormat, columns?: readonly string[]): TableRow[] {
  const records = parseDelimited(text, file, format);
  let names = columns;
  let body = records;
  if (!names) {
    const header = records[0];
    if (!header) return [];
    names = header.cells.map((c) => c.trim());
    const dup = names.find((n, i) => names!.indexOf(n) !== i);
    if (dup !== undefined) throw new S3petInputError(rowError({ file, line: header.line }, `duplicate column '${dup}' in the header row; rename one`));
    body = records.slice(1);
  }
  return body.map((r) => {
    if (r.cells.length !== names.length) {
      const sep = format.delimiter === "\t" ? "tabs" : "commas";
      throw new S3petInputError(
        rowError({ file, line: r.line }, `expected ${names.length} fields (${names.join(", ")}), got ${r.cells.length}; check the ${sep}${format.quoting ? " and quoting" : ""}`),
      );
    }
    const fields: Record<string, string> = {};
    names.forEach((n, i) => (fields[n] = r.cells[i]!));
    return { file, line: r.line, fields };
  });
}
