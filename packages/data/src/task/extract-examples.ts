// TableRows -> raw examples: pick the text, pair and label fields, check their types, and keep the
// row's file and line so that a bad label found later (unknown class, not a number) still names them.
import { briefJson, S3petInputError } from "@s3pet/core";
import { rowError, type TableRow } from "../readers/table-row.js";
import type { TaskKind } from "../metrics/metrics.js";

export type FieldRole = "text" | "textPair" | "label";

export interface FieldNames {
  readonly text: string;
  /** null: single-sentence task. */
  readonly textPair: string | null;
  readonly label: string;
}

export interface RawExample {
  readonly file: string;
  readonly line: number;
  readonly text: string;
  readonly textPair: string | null;
  /** Class name (classification) or target value (regression), not yet mapped to an id. */
  readonly label: string | number;
}

/** What to tell the user when a field is missing, per role (e.g. "set --label-field"). */
export type FieldFixes = Readonly<Record<FieldRole, string>>;

export const CUSTOM_FIELD_FIXES: FieldFixes = {
  text: "choose the text column with --text-field",
  textPair: "choose the pair column with --text-pair-field",
  label: "choose the label column with --label-field",
};

export function extractExamples(rows: readonly TableRow[], fields: FieldNames, kind: TaskKind, fixes: FieldFixes): RawExample[] {
  return rows.map((row) => {
    const text = stringField(row, fields.text, fixes.text);
    const textPair = fields.textPair === null ? null : stringField(row, fields.textPair, fixes.textPair);
    const label = kind === "classification" ? classField(row, fields.label, fixes.label) : numberField(row, fields.label, fixes.label);
    return { file: row.file, line: row.line, text, textPair, label };
  });
}

function present(row: TableRow, field: string, fix: string): unknown {
  const value = row.fields[field];
  if (value === null) throw new S3petInputError(rowError(row, `field '${field}' is null; give it a value or remove the row`));
  if (value === undefined) {
    const known = Object.keys(row.fields);
    throw new S3petInputError(rowError(row, `missing field '${field}' (fields here: ${known.slice(0, 10).join(", ") || "none"}${known.length > 10 ? `, ... (${known.length - 10} more)` : ""}; ${fix})`));
  }
  return value;
}

function stringField(row: TableRow, field: string, fix: string): string {
  const value = present(row, field, fix);
  if (typeof value !== "string") throw new S3petInputError(rowError(row, `field '${field}' must be a string, got ${briefJson(value)}`));
  return value;
}

function classField(row: TableRow, field: string, fix: string): string {
  const value = present(row, field, fix);
  if (typeof value !== "string" && typeof value !== "number" && typeof value !== "boolean") {
    throw new S3petInputError(rowError(row, `field '${field}' must be a class name (string, integer or boolean), got ${briefJson(value)}`));
  }
  const name = String(value).trim();
  if (name === "") throw new S3petInputError(rowError(row, `field '${field}' is empty; every row needs a label`));
  return name;
}

function numberField(row: TableRow, field: string, fix: string): number {
  const value = present(row, field, fix);
  const n = typeof value === "number" ? value : typeof value === "string" && value.trim() !== "" ? Number(value) : NaN;
  if (!Number.isFinite(n)) {
    throw new S3petInputError(rowError(row, `field '${field}' must be a number for a regression task, got ${briefJson(value)}`));
  }
  return n;
}
