// Command: one `s3pet <name>` subcommand, declared once; its options, help text and examples all come
// from this object (docs/ARCHITECTURE.md, convention §6). Files in src/commands/ export one each; src/commands/index.ts lists them.

/** One --flag. Parsed by node:util parseArgs (strict), documented by the same object. */
export interface OptionSpec {
  readonly type: "string" | "boolean";
  /** One-letter alias, e.g. "o" for -o. */
  readonly short?: string;
  /** Repeatable flag: the value is a list. */
  readonly multiple?: boolean;
  readonly default?: string | boolean | readonly string[];
  /** One line of help. */
  readonly description: string;
  /** Placeholder in help for string options, e.g. "dir". @default "value" */
  readonly valueName?: string;
}

export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

/** Parsed flag values: booleans default to false, strings to undefined (unless a default is declared). */
export type OptionValues<O extends OptionSpecs> = {
  -readonly [K in keyof O]: O[K]["multiple"] extends true
    ? O[K]["type"] extends "boolean" ? boolean[] : string[]
    : O[K]["type"] extends "boolean" ? boolean : O[K]["default"] extends string ? string : string | undefined;
};

export interface PositionalSpec {
  readonly name: string;
  readonly description: string;
  /** @default false */
  readonly required?: boolean;
  /** Takes all remaining arguments. @default false */
  readonly variadic?: boolean;
}

/** Where a command writes and what it runs in (process streams in bin.ts, buffers in tests). */
export interface CommandIo {
  readonly stdout: { write(chunk: string): unknown; readonly isTTY?: boolean };
  readonly stderr: { write(chunk: string): unknown };
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
}

export interface CommandArgs<O extends OptionSpecs> {
  readonly values: OptionValues<O>;
  readonly positionals: readonly string[];
}

export interface Command<O extends OptionSpecs = OptionSpecs> {
  /** The subcommand word: `s3pet <name>`. */
  readonly name: string;
  /** One line for `s3pet --help`. */
  readonly summary: string;
  /** A paragraph for `s3pet <name> --help`. */
  readonly description?: string;
  readonly positionals?: readonly PositionalSpec[];
  readonly options: O;
  /** Shown in `s3pet <name> --help`; each command line runs as written. */
  readonly examples: readonly { readonly command: string; readonly description: string }[];
  /**
   * Called when the command line parsed. Returns the exit code (default 0). Throw S3petInputError for
   * bad input (one line on stderr, exit 2); any other error prints its message and exits 1.
   */
  run(args: CommandArgs<O>, io: CommandIo): Promise<number | void> | number | void;
}

/** Declares a command with its option types inferred (use it for every command file). */
export function defineCommand<const O extends OptionSpecs>(command: Command<O>): Command<O> {
  return command;
}
