// One declaration per option (docs/ARCHITECTURE.md, convention §6): each field has `default`, `doc` and `check`; the TS type is
// inferred from it, and the same object produces --help text, adapter_config.json fields and the
// one-line validation error, thrown before any tensor is created.
import { S3petInputError } from "../errors/s3pet-error.js";
import { showValue } from "../run/run-options.js";

export interface OptionSpec<T> {
  readonly default: T;
  /** One line for --help and PLUGINS.md. */
  readonly doc: string;
  /** Returns null when valid, else what is wrong and allowed ("must be a positive integer"). */
  check(value: unknown): string | null;
  /** Parses a command-line string into the value. */
  parse(text: string): unknown;
}

export type OptionsSchema = Readonly<Record<string, OptionSpec<unknown>>>;
export type OptionsOf<S extends OptionsSchema> = { -readonly [K in keyof S]: S[K] extends OptionSpec<infer T> ? T : never };

export function intOption(spec: { default: number; doc: string; min?: number; max?: number }): OptionSpec<number> {
  const min = spec.min ?? 1;
  return {
    default: spec.default,
    doc: spec.doc,
    check: (v) =>
      typeof v === "number" && Number.isInteger(v) && v >= min && (spec.max === undefined || v <= spec.max)
        ? null
        : `must be an integer ${spec.max === undefined ? `>= ${min}` : `in [${min}, ${spec.max}]`}`,
    parse: (s) => Number(s),
  };
}

export function numberOption(spec: { default: number; doc: string; min?: number; max?: number }): OptionSpec<number> {
  return {
    default: spec.default,
    doc: spec.doc,
    check: (v) =>
      typeof v === "number" &&
      Number.isFinite(v) &&
      (spec.min === undefined || v >= spec.min) &&
      (spec.max === undefined || v <= spec.max)
        ? null
        : `must be a number${spec.min !== undefined ? ` >= ${spec.min}` : ""}${spec.max !== undefined ? ` <= ${spec.max}` : ""}`,
    parse: (s) => Number(s),
  };
}

export function enumOption<const T extends string>(spec: { default: T; doc: string; values: readonly T[] }): OptionSpec<T> {
  return {
    default: spec.default,
    doc: spec.doc,
    check: (v) => (spec.values.includes(v as T) ? null : `must be one of ${spec.values.join(", ")}`),
    parse: (s) => s,
  };
}

export function boolOption(spec: { default: boolean; doc: string }): OptionSpec<boolean> {
  return {
    default: spec.default,
    doc: spec.doc,
    check: (v) => (typeof v === "boolean" ? null : "must be true or false"),
    parse: (s) => (s === "true" ? true : s === "false" ? false : s),
  };
}

/** The declared options with their defaults. */
export function defaultOptions<S extends OptionsSchema>(schema: S): OptionsOf<S> {
  const out: Record<string, unknown> = {};
  for (const [k, spec] of Object.entries(schema)) out[k] = spec.default;
  return out as OptionsOf<S>;
}

/**
 * Defaults overlaid with `given` (values, or strings from the command line), validated.
 * Throws S3petInputError: "lora: rank must be an integer >= 1, got 'abc' (set --lora.rank)", or, when the
 * options come from a file (`source`, e.g. "runs/a/structure.json: module 2"), one naming that file.
 */
export function resolveOptions<S extends OptionsSchema>(
  methodName: string,
  schema: S,
  given: Readonly<Record<string, unknown>> = {},
  source?: string,
): OptionsOf<S> {
  const out: Record<string, unknown> = defaultOptions(schema);
  for (const [k, raw] of Object.entries(given)) {
    const spec = schema[k];
    if (!spec) {
      const known = Object.keys(schema);
      throw new S3petInputError(
        `${source ? `${source}: ` : ""}${methodName}: unknown option '${k}' (known: ${known.length ? known.join(", ") : "none"})`,
      );
    }
    out[k] = typeof raw === "string" ? spec.parse(raw) : raw;
  }
  for (const [k, spec] of Object.entries(schema)) {
    const problem = spec.check(out[k]);
    if (problem) {
      const shown = showValue(k in given ? given[k] : out[k]); // as given: 'abc', not the NaN it parsed to
      const fix = source ? `fix it in that file` : `set --${methodName}.${k}`;
      throw new S3petInputError(`${source ? `${source}: ` : ""}${methodName}: ${k} ${problem}, got ${shown} (${fix})`);
    }
  }
  return out as OptionsOf<S>;
}
