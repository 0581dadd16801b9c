// docs/OPTIONS.md's tables and docs/BENCHMARKS.md's defaults line, generated from the one declaration of
// the run options (RUN_OPTIONS) and of the other commands' own options, so the docs cannot drift from --help. Written by
// `node tools/docs/options-doc.mjs`; options-markdown.test.ts fails when the committed docs are stale.
import { defaultLabel, type RunOption } from "@s3pet/core";
import { EXPORT_OPTIONS } from "../commands/export.js";
import { PRETRAIN_OPTIONS } from "../commands/pretrain.js";
import { SWEEP_OPTIONS } from "../commands/sweep.js";
import { RUN_OPTIONS, runOption } from "./run-flags.js";

/** The commands with options of their own, declared the same way, in the order docs/OPTIONS.md lists them. */
const COMMAND_OPTIONS: readonly (readonly [string, readonly RunOption[]])[] = [
  ["export", EXPORT_OPTIONS],
  ["pretrain", PRETRAIN_OPTIONS],
  ["sweep", SWEEP_OPTIONS],
  ["worker", SWEEP_OPTIONS],
];

const cell = (text: string) => text.replace(/\|/g, "\\|");

/** The markdown table of every option of `search` and `train`: flag, value, default, commands, doc. */
export function optionsMarkdown(options: readonly RunOption[] = RUN_OPTIONS): string {
  return ["| flag | value | default | commands | what it does |", "|---|---|---|---|---|", ...options.map((o) => row(o, [o.commands.join(", ")]))].join("\n");
}

/** One table per command with options of its own (export, pretrain, sweep, worker): flag, value, default, doc. */
export function commandOptionsMarkdown(): string {
  return COMMAND_OPTIONS.map(([command, options]) =>
    [`### \`s3pet ${command}\``, "", "| flag | value | default | what it does |", "|---|---|---|---|", ...options.filter((o) => o.commands.includes(command)).map((o) => row(o, []))].join("\n"),
  ).join("\n\n");
}

function row(o: RunOption, extra: readonly string[]): string {
  const flag = `\`--${o.flag}\`${o.short ? ` (\`-${o.short}\`)` : ""}`;
  const value = o.kind === "switch" ? "switch" : `${o.kind === "list" ? "repeatable " : ""}\`<${o.valueName ?? "value"}>\``;
  const d = defaultLabel(o);
  return `| ${[flag, cell(value), d === "" ? "" : cell(d), ...extra, cell(o.doc)].join(" | ")} |`;
}

/** One sentence with the defaults a run's size and results depend on, for docs/BENCHMARKS.md. */
export function defaultsSentence(): string {
  const v = (flag: string) => String(runOption(flag).default);
  const lr = runOption("lr");
  return (
    `CLI defaults (from the option declaration, see docs/OPTIONS.md): \`--epochs ${v("epochs")}\` (search and re-training), ` +
    `\`--max-length ${v("max-length")}\` tokens, \`--budget ${v("budget")}\`, \`--lr ${v("lr")}\`${lr.defaultNote ? ` (${lr.defaultNote})` : ""}, ` +
    `\`--batch-size ${v("batch-size")}\`, every example (no \`--max-examples\`).`
  );
}
