#!/usr/bin/env node
// @ts-check
// Regenerates the docs that quote the run options from their one declaration: the table of
// docs/OPTIONS.md and the defaults line of docs/BENCHMARKS.md. Run after changing an option:
//   npm run build && node tools/docs/options-doc.mjs
// packages/cli/src/run-config/options-markdown.test.ts fails while the committed docs are stale.
import { commandOptionsMarkdown, defaultsSentence, optionsMarkdown } from "@s3pet/cli";
import { replaceDocSection } from "../bench/replace-doc-section.mjs";

const root = new URL("../../", import.meta.url).pathname;
replaceDocSection(`${root}docs/OPTIONS.md`, "options", optionsMarkdown(), "generated");
replaceDocSection(`${root}docs/OPTIONS.md`, "command-options", commandOptionsMarkdown(), "generated");
replaceDocSection(`${root}docs/BENCHMARKS.md`, "cli-defaults", defaultsSentence(), "generated");
console.log("docs/OPTIONS.md and docs/BENCHMARKS.md updated from the run-option declaration");
