// The shared contract suite (@s3pet/core/testing) on small synthetic sites and on the tiny BERT.
// Add method-specific tests below it: exact parameter counts, the delta on hand-computed values.
import { readFileSync } from "node:fs";
import { describePetMethod, syntheticBatch, syntheticSites } from "@s3pet/core/testing";
import { initRandomBertModel, parseBertConfig } from "@s3pet/models";
import { ia3 } from "./ia3.js";

const tinyBertDir = new URL("../../../packages/models/test-fixtures/tiny-bert-hf/", import.meta.url);
const tinyBert = parseBertConfig(JSON.parse(readFileSync(new URL("config.json", tinyBertDir), "utf8")), "tiny-bert-hf");

describePetMethod(ia3, {
  sites: syntheticSites,
  options: [{ scale: 2.5 }],
  backbone: { load: () => initRandomBertModel(tinyBert, { seed: 1, trainable: false }), batch: syntheticBatch({ vocabSize: tinyBert.vocabSize }) },
});
