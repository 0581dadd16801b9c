// TableRow: one record of a data file with where it came from, so every later check can name the file,
// the line and the field of a bad value.

export interface TableRow {
  readonly file: string;
  /** 1-based line where the record starts. */
  readonly line: number;
  /** Field values: strings from CSV/TSV, any JSON value from JSONL. */
  readonly fields: Readonly<Record<string, unknown>>;
}

/** `file:line: message` — the one format of a row-level error. */
export function rowError(row: { file: string; line: number }, message: string): string {
  return `${row.file}:${row.line}: ${message}`;
}

