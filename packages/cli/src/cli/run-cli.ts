// runCli(): the `s3pet` program. Dispatches argv to a Command, parses its flags strictly with
// node:util parseArgs, prints help, and maps failures to exit codes: 2 for bad input (unknown command
// or flag, S3petInputError) as one line on stderr, 1 for anything else.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import type { Command, CommandIo, OptionSpecs, OptionValues } from "./command.js";
import { HELP_OPTION, PROGRAM, formatCommandHelp, formatProgramHelp } from "./format-help.js";
import { isInputError } from "./is-input-error.js";

const EXIT_OK = 0;
const EXIT_FAILURE = 1;
const EXIT_BAD_INPUT = 2;

/** Runs one command line; returns the exit code. */
export async function runCli(argv: readonly string[], io: CommandIo, commands: readonly Command[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === "--help" || first === "-h" || first === "help") {
    const topic = first === "help" ? commands.find((c) => c.name === rest[0]) : undefined;
    io.stdout.write(topic ? formatCommandHelp(topic) : formatProgramHelp(commands, cliVersion()));
    return EXIT_OK;
  }
  if (first === "--version") {
    io.stdout.write(`${cliVersion()}\n`);
    return EXIT_OK;
  }
  const command = commands.find((c) => c.name === first);
  if (command === undefined) {
    const what = first.startsWith("-") ? `unknown option '${first}'` : `unknown command '${first}'`;
    return badInput(io, `${PROGRAM}: ${what} (see ${PROGRAM} --help)`);
  }

  const prefix = `${PROGRAM} ${command.name}`;
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseCommandLine(command, rest);
  } catch (error) {
    return badInput(io, `${prefix}: ${describeParseError(error)} (see ${prefix} --help)`);
  }
  if (parsed.values.help === true) {
    io.stdout.write(formatCommandHelp(command));
    return EXIT_OK;
  }
  const missing = (command.positionals ?? []).filter((p, i) => p.required && parsed.positionals[i] === undefined);
  if (missing.length > 0) return badInput(io, `${prefix}: missing <${missing[0]!.name}> (see ${prefix} --help)`);

  delete parsed.values.help;
  try {
    const code = await command.run({ values: parsed.values as OptionValues<OptionSpecs>, positionals: parsed.positionals }, io);
    return code ?? EXIT_OK;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (isInputError(error)) return badInput(io, `${prefix}: ${message.split("\n")[0]}`);
    io.stderr.write(`${prefix}: ${message}\n`);
    if (io.env.S3PET_DEBUG && error instanceof Error && error.stack) io.stderr.write(`${error.stack}\n`);
    return EXIT_FAILURE;
  }
}

/** A command's arguments parsed as `s3pet <command>` parses them (strict: unknown flags throw). */
export function parseCommandLine(command: Command, args: string[]): { values: Record<string, unknown>; positionals: string[] } {
  // parseArgs rejects keys it does not know and keys set to undefined, so copy only the set ones.
  const options = Object.fromEntries(
    Object.entries({ ...command.options, help: HELP_OPTION }).map(([name, { type, short, multiple, default: fallback }]) => [
      name,
      { type, ...(short && { short }), ...(multiple && { multiple }), ...(fallback !== undefined && { default: fallback as string | boolean | string[] }) },
    ]),
  );
  const maxPositionals = command.positionals?.some((p) => p.variadic) ? Infinity : (command.positionals?.length ?? 0);
  const { values, positionals } = parseArgs({ args: joinNegativeValues(args, command.options), options, strict: true, allowPositionals: maxPositionals > 0 });
  if (positionals.length > maxPositionals) throw Object.assign(new Error(`unexpected argument '${positionals[maxPositionals]}'`), { code: "S3PET_EXTRA_POSITIONAL" });
  for (const [name, spec] of Object.entries(command.options)) {
    if (spec.type === "boolean" && !spec.multiple && values[name] === undefined) values[name] = false;
  }
  return { values, positionals };
}

/**
 * `--budget -5` -> `--budget=-5`: parseArgs reads a value that starts with a dash as another option, so a
 * negative number would be reported as a missing value; joined, it reaches the option's own check.
 */
function joinNegativeValues(args: readonly string[], options: Command["options"]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const next = args[i + 1];
    const name = arg.startsWith("--") ? arg.slice(2) : undefined;
    if (name !== undefined && options[name]?.type === "string" && next !== undefined && /^-[\d.]/.test(next)) {
      out.push(`${arg}=${next}`);
      i++;
    } else out.push(arg);
  }
  return out;
}

/** parseArgs's messages, rewritten to our one-line style. */
export function describeParseError(error: unknown): string {
  const { code, message } = error as { code?: string; message: string };
  const quoted = /'([^']+)'/.exec(message)?.[1];
  switch (code) {
    case "ERR_PARSE_ARGS_UNKNOWN_OPTION":
      return `unknown option '${quoted}'`;
    case "ERR_PARSE_ARGS_INVALID_OPTION_VALUE":
    {
      // "Option '-o, --out <value>' argument missing" / "Option '--json' does not take an argument"
      const flag = quoted?.match(/--[^\s,]+/)?.[0] ?? quoted;
      return `option '${flag}' ${message.includes("argument missing") ? "needs a value" : "takes no value"}`;
    }
    case "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL":
      return `unexpected argument '${quoted}'`;
    default:
      return message;
  }
}

function badInput(io: CommandIo, line: string): number {
  io.stderr.write(`${line}\n`);
  return EXIT_BAD_INPUT;
}

function cliVersion(): string {
  // src/cli/ and dist/cli/ are both two levels below the package root.
  const manifest = new URL("../../package.json", import.meta.url);
  return (JSON.parse(readFileSync(manifest, "utf8")) as { version: string }).version;
}
