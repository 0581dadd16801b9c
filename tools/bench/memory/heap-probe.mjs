// @ts-check
// Loaded with `node --import` into an `s3pet` run by memory.mjs: records the most tensor bytes alive
// at once (after every kernel) and the wasm heap's final size (it never shrinks, so that is its
// peak), and writes them as JSON to $S3PET_HEAP_PROBE_OUT when the process exits.
import { writeFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(new URL("../../../packages/cli/package.json", import.meta.url));
const tf = require("@tensorflow/tfjs");
const engine = tf.engine();
let peak = 0;
const runKernelFunc = engine.runKernelFunc;
engine.runKernelFunc = function (/** @type {unknown} */ params) {
  const out = runKernelFunc.call(engine, params);
  if (engine.state.numBytes > peak) peak = engine.state.numBytes;
  return out;
};
process.on("exit", () => {
  const heap = engine.backendName === "wasm" ? engine.backend.wasm.HEAPU8.length : null;
  const out = process.env.S3PET_HEAP_PROBE_OUT;
  if (out) writeFileSync(out, JSON.stringify({ peakTensorBytes: peak, heapBytes: heap }));
});
