// Delimited text -> records of cells with their starting line. CSV follows RFC 4180: fields may be quoted
// with `"`, a quote inside a quoted field is doubled, and quoted fields may span lines. TSV (as GLUE
// distributes it) has no quoting at all: quotes are ordinary characters and a record is one line.
import { S3petInputError } from "@s3pet/core";
import { rowError } from "./table-row.js";

export interface DelimitedRecord {
  /** 1-based line where the record starts. */
  readonly line: number;
  readonly cells: readonly string[];
}

export interface DelimitedFormat {
  readonly delimiter: "," | "\t";
  /** RFC 4180 quoting (CSV); false: quotes are literal (TSV). */
  readonly quoting: boolean;
}

/** Parses `text` (the contents of `file`, named in errors). Blank lines are skipped. */
export function parseDelimited(text: string, file: string, format: DelimitedFormat): DelimitedRecord[] {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  return format.quoting ? parseQuoted(body, file, format.delimiter) : parseUnquoted(body, format.delimiter);
}

function parseUnquoted(text: string, delimiter: string): DelimitedRecord[] {
  const records: DelimitedRecord[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.endsWith("\r") ? lines[i]!.slice(0, -1) : lines[i]!;
    if (line.length > 0) records.push({ line: i + 1, cells: line.split(delimiter) });
  }
  return records;
}

function parseQuoted(text: string, file: string, delimiter: string): DelimitedRecord[] {
  const records: DelimitedRecord[] = [];
  let cells: string[] = [];
  let cell = "";
  let line = 1;
  let recordLine = 1;
  let i = 0;
  const endRecord = () => {
    cells.push(cell);
    // A record that is one empty cell is a blank line, not data.
    if (!(cells.length === 1 && cells[0] === "")) records.push({ line: recordLine, cells });
    cells = [];
    cell = "";
  };
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"' && cell === "") {
      // Quoted field: read to the closing quote; "" is a literal quote.
      const openLine = line;
      i++;
      for (;;) {
        if (i >= text.length) {
          throw new S3petInputError(rowError({ file, line: openLine }, `field ${cells.length + 1}: unterminated quoted field (close the " or double a literal quote as "")`));
        }
        const q = text[i]!;
        if (q === '"') {
          if (text[i + 1] === '"') {
            cell += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        if (q === "\n") line++;
        cell += q;
        i++;
      }
      const next = text[i];
      if (next !== undefined && next !== delimiter && next !== "\n" && !(next === "\r" && text[i + 1] === "\n")) {
        throw new S3petInputError(rowError({ file, line }, `field ${cells.length + 1}: unexpected '${next}' after a closing quote (quote the whole field, doubling inner quotes)`));
      }
      continue;
    }
    if (c === delimiter) {
      cells.push(cell);
      cell = "";
      i++;
    } else if (c === "\n" || (c === "\r" && text[i + 1] === "\n")) {
      endRecord();
      i += c === "\r" ? 2 : 1;
      line++;
      recordLine = line;
    } else {
      cell += c;
      i++;
    }
  }
  if (cell !== "" || cells.length > 0) endRecord();
  return records;
}
