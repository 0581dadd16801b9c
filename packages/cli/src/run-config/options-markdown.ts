// docs/OPTIONS.md's tables and docs/BENCHMARKS.md's defaults line, generated from the one declaration of
// the run options (RUN_OPTIONS), so the docs cannot drift from --help. Written by
// `node tools/docs/options-doc.mjs`; options-markdown.test.ts fails when the committed docs are stale.
import { defaultLabel, type RunOption } from "@s3pet/core";
import { RUN_OPTIONS, runOption } from "./run-flags.js";

const cell = (text: string) => text.replace(/\|/g, "\\|");

/** The markdown table of every option of `search` and `train`: flag, value, default, commands, doc. */
export function optionsMarkdown(options: readonly RunOption[] = RUN_OPTIONS): string {
  const rows = options.map((o) => {
    const flag = `\`--${o.flag}\`${o.short ? ` (\`-${o.short}\`)` : ""}`;
    const value = o.kind === "switch" ? "switch" : `${o.kind === "list" ? "repeatable " : ""}\`<${o.valueName ?? "value"}>\``;
    const d = defaultLabel(o);
    return `| ${flag} | ${cell(value)} | ${d === "" ? "" : cell(d)} | ${o.commands.join(", ")} | ${cell(o.doc)} |`;
  });
  return ["| flag | value | default | commands | what it does |", "|---|---|---|---|---|", ...rows].join("\n");
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
