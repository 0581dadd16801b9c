// UnsortedSegmentSum for tfjs-backend-wasm 4.22.0, which has none: without it the gradient of
// tf.gather (trainable embeddings) throws "Kernel 'UnsortedSegmentSum' not registered" (docs/BACKEND.md §3).
// Works on views of the wasm heap; the views are taken after allocating, since heap growth detaches them.
import type * as tf from "@tensorflow/tfjs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import type { KernelFix } from "./kernel-fix.js";
import { segmentSumShape, sumSegmentsInto } from "./sum-segments-into.js";

export const wasmUnsortedSegmentSumFix: KernelFix = {
  kind: "kernel",
  kernelName: "UnsortedSegmentSum",
  backendName: "wasm",
  reason: "missing on wasm; needed by the gradient of tf.gather",
  create: () => ({ inputs, backend, attrs }) => {
    const wasm = backend as BackendWasm;
    const { x, segmentIds } = inputs as { x: tf.TensorInfo; segmentIds: tf.TensorInfo };
    const numSegments = (attrs as { numSegments: number }).numSegments;
    const { shape, inner } = segmentSumShape(x.shape, segmentIds.shape.length, numSegments);
    const out = wasm.makeOutput(shape, x.dtype);
    const outView = wasm.typedArrayFromHeap(out);
    outView.fill(0);
    sumSegmentsInto(outView, wasm.typedArrayFromHeap(x), wasm.typedArrayFromHeap(segmentIds), inner);
    return out;
  },
};
