// The one declaration of the run options drives --help, the --config schema, the engine's defaults and
// the docs: the committed docs match what the declaration generates, and changing a declared default
// changes all of them.
import { readFileSync } from "node:fs";
import { resolveSearchConfig, runOptionsJsonSchema } from "@s3pet/core";
import { afterEach, describe, expect, it } from "vitest";
import { EXPORT_OPTIONS } from "../commands/export.js";
import { PRETRAIN_OPTIONS } from "../commands/pretrain.js";
import { SWEEP_OPTIONS } from "../commands/sweep.js";
import { commandOptionsMarkdown, defaultsSentence, optionsMarkdown } from "./options-markdown.js";
import { commandFlags, RUN_OPTIONS, runFlags, runOption } from "./run-flags.js";

const docs = (name: string) => readFileSync(new URL(`../../../../docs/${name}`, import.meta.url), "utf8");
const section = (doc: string, name: string) => {
  const m = new RegExp(`<!-- generated:${name}:start -->\\n([\\s\\S]*?)\\n<!-- generated:${name}:end -->`).exec(doc);
  return m?.[1];
};

describe("docs generated from the run-option declaration", () => {
  it("docs/OPTIONS.md holds the current tables (else run: node tools/docs/options-doc.mjs)", () => {
    expect(section(docs("OPTIONS.md"), "options")).toBe(optionsMarkdown());
    expect(section(docs("OPTIONS.md"), "command-options")).toBe(commandOptionsMarkdown());
  });
  it("docs/BENCHMARKS.md states the CLI's defaults (else run: node tools/docs/options-doc.mjs)", () => {
    expect(section(docs("BENCHMARKS.md"), "cli-defaults")).toBe(defaultsSentence());
    expect(defaultsSentence()).toContain("`--epochs 2`");
    expect(defaultsSentence()).toContain("`--max-length 64`");
    expect(defaultsSentence()).toContain("`--budget 1%`");
  });
  it("lists every option once", () => {
    const flags = RUN_OPTIONS.map((o) => o.flag);
    expect(new Set(flags).size).toBe(flags.length);
    expect(optionsMarkdown().split("\n")).toHaveLength(flags.length + 2);
    for (const options of [EXPORT_OPTIONS, PRETRAIN_OPTIONS, SWEEP_OPTIONS]) expect(new Set(options.map((o) => o.flag)).size).toBe(options.length);
  });
  it("gives the other commands' flags from their declaration, defaults and all", () => {
    expect(commandFlags(SWEEP_OPTIONS, "sweep")["workers"]!.description).toBe("local runs at a time, without --queue (default: 2)");
    expect(Object.keys(commandFlags(SWEEP_OPTIONS, "worker"))).toEqual(["queue", "runs-dir"]);
    expect(commandFlags(EXPORT_OPTIONS, "export")["format"]).toMatchObject({ type: "string", valueName: "peft" });
    expect(commandOptionsMarkdown()).toContain("| `--workers` | `<n>` | 2 | local runs at a time, without --queue |");
  });
});

describe("changing a default in the declaration", () => {
  const lr = runOption("lr") as { default: unknown };
  const declared = lr.default;
  afterEach(() => {
    lr.default = declared;
  });

  it("changes --help, the --config schema, the docs table and the engine's default together", () => {
    const before = { help: runFlags("search")["lr"]!.description, table: optionsMarkdown(), schema: runOptionsJsonSchema(RUN_OPTIONS, "search") };
    expect(before.help).toContain("(default: 0.003; 0.0003 for --structure full)");
    expect((before.schema["properties"] as Record<string, { default?: unknown }>)["lr"]!.default).toBe(0.003);

    lr.default = 0.0123;
    expect(runFlags("search")["lr"]!.description).toContain("(default: 0.0123; 0.0003 for --structure full)");
    expect(optionsMarkdown()).not.toBe(before.table);
    expect(optionsMarkdown()).toContain("| `--lr` | `<x>` | 0.0123; 0.0003 for --structure full |");
    expect((runOptionsJsonSchema(RUN_OPTIONS, "search")["properties"] as Record<string, { default?: unknown }>)["lr"]!.default).toBe(0.0123);
    expect(resolveSearchConfig({}).lr).toBe(0.0123);
  });
});

describe("the --config JSON Schema", () => {
  it("has the flags as keys, their docs and types, and nothing else", () => {
    const schema = runOptionsJsonSchema(RUN_OPTIONS, "train");
    const properties = schema["properties"] as Record<string, Record<string, unknown>>;
    expect(schema["additionalProperties"]).toBe(false);
    expect(properties["ui"]).toMatchObject({ enum: ["tui", "plain", "json"], description: "progress display" });
    expect(properties["structure"]).toMatchObject({ type: "string", default: "lora" });
    expect(properties).not.toHaveProperty("alpha-lr"); // search only
    expect(properties["batch-size"]!["default"]).toBe(16);
  });
});
