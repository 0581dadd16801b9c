// The dependency rule of docs/ARCHITECTURE.md is enforced by eslint.config.js: a deliberate import across a
// layer fails lint, and the allowed ones pass. Lints source text under the real config (only the
// boundary rule, so no type information is needed for these made-up files).
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

const root = new URL("../../", import.meta.url).pathname;
const eslint = new ESLint({
  cwd: root,
  ruleFilter: ({ ruleId }) => ruleId === "no-restricted-imports",
  overrideConfig: { languageOptions: { parserOptions: { projectService: false } } },
});

/** The boundary messages for `code` placed at `filePath` (relative to the repo root). */
async function boundaryErrors(code, filePath) {
  const [result] = await eslint.lintText(code, { filePath: `${root}${filePath}` });
  return result.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

describe("the dependency rule", () => {
  it.each([
    ["packages/core/src/run/probe.ts", 'import { lora } from "@s3pet/plugin-lora";', "core imports no plugin"],
    ["packages/core/src/run/probe.ts", 'import { loadPretrained } from "@s3pet/models";', "core imports no plugin, model"],
    ["packages/core/src/run/probe.ts", 'import { render } from "ink";', "core imports no plugin, model, data package or UI"],
    ["plugins/lora/src/probe.ts", 'import { loadTask } from "@s3pet/data";', "a plugin imports only @s3pet/core"],
    ["packages/models/src/probe.ts", 'import { lora } from "@s3pet/plugin-lora";', "models and data import only @s3pet/core"],
    ["packages/dashboard/src/probe.ts", 'import { runSearch } from "@s3pet/core";', "the dashboard imports only @s3pet/core/events"],
    ["packages/dashboard/src/probe.ts", 'import * as tf from "@tensorflow/tfjs";', "the dashboard imports only @s3pet/core/events"],
    ["packages/dashboard/src/probe.ts", 'import { QueueEvents } from "bullmq";', "no queue library"],
    ["packages/dashboard/src/probe.ts", 'import { x } from "../../../core/src/search/discretize-greedy.js";', "not by a relative path"],
    ["packages/cli/src/commands/probe.test.ts", 'import { x } from "../../../models/test-fixtures/fixture.js";', "not by a relative path"],
    ["packages/sweep/src/probe.ts", 'import { runCli } from "@s3pet/cli";', "sweep imports only @s3pet/core"],
    ["packages/sweep/src/probe.ts", 'import { render } from "ink";', "sweep imports only @s3pet/core"],
  ])("%s: %s fails", async (file, code, message) => {
    const errors = await boundaryErrors(code, file);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(message);
  });
  it.each([
    ["plugins/lora/src/probe.ts", 'import { intOption } from "@s3pet/core";'],
    ["packages/dashboard/src/probe.ts", 'import { discretizeGreedy } from "@s3pet/core/events";\nimport { Box } from "ink";'],
    ["packages/cli/src/probe.ts", 'import { lora } from "@s3pet/plugin-lora";\nimport { render } from "ink";'],
    ["plugins/lora/src/probe.test.ts", 'import { TINY_BERT_DIR } from "@s3pet/models/testing";'],
    ["packages/cli/src/probe.test.ts", 'import { TINY_BERT_DIR } from "@s3pet/models/testing";'],
    ["packages/sweep/src/probe.ts", 'import { S3petInputError } from "@s3pet/core";\nimport { Queue } from "bullmq";'],
    ["packages/cli/src/probe.ts", 'import { runLocally } from "@s3pet/sweep";'],
  ])("%s: %s passes", async (file, code) => {
    expect(await boundaryErrors(code, file)).toEqual([]);
  });
});
