// The text of `s3pet --help` and `s3pet <command> --help`, generated from the Command objects.
import type { Command, OptionSpec } from "./command.js";

export const PROGRAM = "s3pet";

/** The --help flag every command gets. */
export const HELP_OPTION: OptionSpec = { type: "boolean", short: "h", description: "show this help" };

export function formatProgramHelp(commands: readonly Command[], version: string): string {
  return [
    `${PROGRAM} ${version}: sparse structure search for parameter-efficient tuning (arXiv 2206.07382) on TensorFlow.js`,
    "",
    `Usage: ${PROGRAM} <command> [options]`,
    "",
    "Commands:",
    ...table(commands.map((c) => [c.name, c.summary])),
    "",
    "Options:",
    ...table([
      ["-h, --help", "show this help"],
      ["    --version", "print the version"],
    ]),
    "",
    `Run '${PROGRAM} <command> --help' for a command's options and examples.`,
    `Environment: S3PET_BACKEND=tensorflow|wasm|cpu forces a tfjs backend; S3PET_DEBUG=1 prints stack traces.`,
    "",
  ].join("\n");
}

export function formatCommandHelp(command: Command): string {
  const positionals = (command.positionals ?? []).map((p) => {
    const name = `<${p.name}>${p.variadic ? "..." : ""}`;
    return p.required ? name : `[${name}]`;
  });
  const options = Object.entries({ ...command.options, help: HELP_OPTION }).map(([name, spec]) => [optionLabel(name, spec), optionHelp(spec)] as const);
  return [
    `${PROGRAM} ${command.name}: ${command.summary}`,
    "",
    `Usage: ${[PROGRAM, command.name, ...positionals, "[options]"].join(" ")}`,
    ...(command.description ? ["", command.description] : []),
    ...(command.positionals?.length ? ["", "Arguments:", ...table(command.positionals.map((p) => [p.name, p.description]))] : []),
    "",
    "Options:",
    ...table(options),
    ...(command.examples.length ? ["", "Examples:", ...command.examples.flatMap((e) => [`  ${e.command}`, `      ${e.description}`])] : []),
    "",
  ].join("\n");
}

function optionLabel(name: string, spec: OptionSpec): string {
  const long = spec.type === "string" ? `--${name} <${spec.valueName ?? "value"}>` : `--${name}`;
  return spec.short ? `-${spec.short}, ${long}` : `    ${long}`;
}

function optionHelp(spec: OptionSpec): string {
  const showDefault = spec.default !== undefined && spec.default !== false;
  return showDefault ? `${spec.description} (default: ${[spec.default].flat().join(", ")})` : spec.description;
}

function table(rows: readonly (readonly [string, string])[] | string[][]): string[] {
  const width = Math.max(...rows.map(([left]) => left!.length));
  return rows.map(([left, right]) => `  ${left!.padEnd(width)}  ${right}`);
}
