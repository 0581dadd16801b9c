#!/usr/bin/env node
// @ts-check
// What the backbone's size costs a search: the median time of one forward + backward (gradients of every
// weight) of relative_key BERTs of a few sizes, batch 16 at the search's default 64 tokens, alternated
// so every size sees the same load. A PET search step does the same forward and backward through the
// frozen encoder (without the weight gradients' own matmuls), so the ratios estimate how the default
// search's time grows with the size. Prints one JSON line per size.
//   node tools/bench/pretrain/size-cost.mjs [--sizes 4x128,4x256,6x128,8x128] [--length 64] [--reps 8]
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import { initBackend } from "@s3pet/core";
import { defineBertConfig, initRandomBertModel } from "@s3pet/models";
import { forwardBackwardMs, median } from "./forward-backward-ms.mjs";

const { values: a } = parseArgs({
  options: { sizes: { type: "string", default: "4x128,4x256,6x128,8x128" }, length: { type: "string", default: "64" }, reps: { type: "string", default: "8" } },
});
const backend = await initBackend();
const B = 16;
const T = Number(a.length);
const sizes = a.sizes.split(",").map((s) => s.split("x").map(Number));
const models = sizes.map(([layers, hidden]) =>
  initRandomBertModel(
    defineBertConfig({ vocabSize: 8000, hiddenSize: hidden, numLayers: layers, numHeads: hidden / 32, intermediateSize: 4 * hidden, maxPositions: 128, positionEmbeddingType: "relative_key" }),
    { seed: 1, pooler: false },
  ),
);
const batch = { batch: B, length: T, inputIds: Int32Array.from({ length: B * T }, (_, i) => 5 + ((i * 7919) % 7990)), tokenTypeIds: new Int32Array(B * T), attentionMask: new Int32Array(B * T).fill(1) };
const ms = forwardBackwardMs(models, batch, Number(a.reps));
const base = median(ms[0]);
sizes.forEach(([layers, hidden], i) =>
  console.log(
    JSON.stringify({
      backend: backend.name, size: `${layers}x${hidden}`, encoderParams: models[i].paramCount(), batch: B, length: T,
      ms: Math.round(median(ms[i])), ratio: +(median(ms[i]) / base).toFixed(2), loadavg1: +loadavg()[0].toFixed(1),
    }),
  ),
);
models.forEach((m) => m.dispose());
