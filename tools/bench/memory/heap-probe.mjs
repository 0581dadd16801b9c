// @ts-check
// Loaded with `node --import` into an `s3pet` run by memory.mjs (and, through the inherited
// execArgv, into each data-parallel worker thread): records the most tensor bytes alive at once
// (after every kernel) and the wasm heap's size (it never shrinks, so that is its peak) of this
// thread's backend, as JSON in $S3PET_HEAP_PROBE_OUT.<threadId>.json. A worker is terminated without
// an exit event, so the file is rewritten whenever the heap grows (a few dozen times per run) and at exit.
import { writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { threadId } from "node:worker_threads";

const require = createRequire(new URL("../../../packages/cli/package.json", import.meta.url));
const tf = require("@tensorflow/tfjs");
const engine = tf.engine();
const out = process.env.S3PET_HEAP_PROBE_OUT;
let peak = 0;
let heap = 0;

const heapNow = () => (engine.backendName === "wasm" ? engine.backend.wasm.HEAPU8.length : 0);
const write = () => {
  if (out) writeFileSync(`${out}.${threadId}.json`, JSON.stringify({ threadId, peakTensorBytes: peak, heapBytes: heap || null }));
};

const runKernelFunc = engine.runKernelFunc;
engine.runKernelFunc = function (/** @type {unknown} */ params) {
  const result = runKernelFunc.call(engine, params);
  if (engine.state.numBytes > peak) peak = engine.state.numBytes;
  const h = heapNow();
  if (h > heap) {
    heap = h;
    write();
  }
  return result;
};
process.on("exit", () => {
  heap = Math.max(heap, heapNow());
  write();
});
