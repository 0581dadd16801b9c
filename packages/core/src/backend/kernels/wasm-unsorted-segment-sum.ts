// UnsortedSegmentSum for tfjs-backend-wasm 4.22.0, which has none: without it the gradient of
// tf.gather (trainable embeddings) throws "Kernel 'UnsortedSegmentSum' not registered" (docs/BACKEND.md §3).
// Works on views of the wasm heap; the views are taken after allocating, since heap growth detaches them.
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { sumSegmentsInto } from "./sum-segments-into.js";
import { unsortedSegmentSumFix } from "./unsorted-segment-sum-fix.js";

export const wasmUnsortedSegmentSumFix = unsortedSegmentSumFix<BackendWasm>("wasm", "missing on wasm; needed by the gradient of tf.gather", (wasm, { x, segmentIds, shape, inner }) => {
  const out = wasm.makeOutput(shape, x.dtype);
  const outView = wasm.typedArrayFromHeap(out);
  outView.fill(0);
  sumSegmentsInto(outView, wasm.typedArrayFromHeap(x), wasm.typedArrayFromHeap(segmentIds), inner);
  return out;
});
