// What the wasm and cpu UnsortedSegmentSum fixes share: reading the kernel's inputs and attrs and the
// output shape; each backend only says where the output lives and how its typed arrays are reached.
import type * as tf from "@tensorflow/tfjs";
import type { KernelFix } from "./kernel-fix.js";

/** One UnsortedSegmentSum call: x is [n, ...rest] (n = the ids' elements), the output [numSegments, ...rest]. */
export interface SegmentSumCall {
  readonly x: tf.TensorInfo;
  readonly segmentIds: tf.TensorInfo;
  readonly numSegments: number;
  readonly shape: number[];
  /** Elements of one output row (the product of rest). */
  readonly inner: number;
}

/** An UnsortedSegmentSum kernel for `backendName`; `sum` makes the output tensor of one call. */
export function unsortedSegmentSumFix<B>(backendName: "wasm" | "cpu", reason: string, sum: (backend: B, call: SegmentSumCall) => tf.TensorInfo): KernelFix {
  return {
    kind: "kernel",
    kernelName: "UnsortedSegmentSum",
    backendName,
    reason,
    create: () => ({ inputs, backend, attrs }) => {
      const { x, segmentIds } = inputs as { x: tf.TensorInfo; segmentIds: tf.TensorInfo };
      const numSegments = (attrs as { numSegments: number }).numSegments;
      const rest = x.shape.slice(segmentIds.shape.length);
      return sum(backend as B, { x, segmentIds, numSegments, shape: [numSegments, ...rest], inner: rest.reduce((a, b) => a * b, 1) });
    },
  };
}
