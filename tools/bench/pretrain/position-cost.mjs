#!/usr/bin/env node
// @ts-check
// What relative positions cost: the median time of one forward + backward (gradients of every weight,
// as in pretraining) of a 4x128 BERT, vocabulary 8000, batch 16, with absolute and with relative_key
// positions, alternated so both see the same load. Prints one JSON line per sequence length.
//   node tools/bench/pretrain/position-cost.mjs [--lengths 32,64,128] [--reps 10]
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import { initBackend } from "@s3pet/core";
import { defineBertConfig, initRandomBertModel } from "@s3pet/models";
import { forwardBackwardMs, median } from "./forward-backward-ms.mjs";

const { values: a } = parseArgs({ options: { lengths: { type: "string", default: "32,64,128" }, reps: { type: "string", default: "10" } } });
const backend = await initBackend();
const B = 16;
const types = /** @type {const} */ (["absolute", "relative_key"]);
const models = types.map((positionEmbeddingType) =>
  initRandomBertModel(
    defineBertConfig({ vocabSize: 8000, hiddenSize: 128, numLayers: 4, numHeads: 4, intermediateSize: 512, maxPositions: 128, positionEmbeddingType }),
    { seed: 1, pooler: false },
  ),
);
for (const T of a.lengths.split(",").map(Number)) {
  const batch = { batch: B, length: T, inputIds: Int32Array.from({ length: B * T }, (_, i) => 5 + ((i * 7919) % 7990)), tokenTypeIds: new Int32Array(B * T), attentionMask: new Int32Array(B * T).fill(1) };
  const ms = forwardBackwardMs(models, batch, Number(a.reps));
  const [absoluteMs, relativeKeyMs] = ms.map(median);
  console.log(JSON.stringify({ backend: backend.name, batch: B, length: T, absoluteMs: Math.round(absoluteMs), relativeKeyMs: Math.round(relativeKeyMs), ratio: +(relativeKeyMs / absoluteMs).toFixed(2), loadavg1: +loadavg()[0].toFixed(1) }));
}
models.forEach((m) => m.dispose());
