// Linear-time UnsortedSegmentSum for the tfjs cpu backend. The stock kernel builds an [N, H] mask
// product per segment and keeps them all alive: O(numSegments*N*H) time, ~8.7 GB for the gradient of an
// 8000x256 embedding gather (docs/BACKEND.md §3). This one is O(N*H) time and allocates only the output.
import * as tf from "@tensorflow/tfjs";
import { sumSegmentsInto } from "./sum-segments-into.js";
import { unsortedSegmentSumFix } from "./unsorted-segment-sum-fix.js";

/** The parts of tfjs-backend-cpu's MathBackendCPU this kernel uses (not a dependency of core). */
interface CpuBackend {
  readonly data: { get(dataId: tf.DataId): { values: ArrayLike<number> } };
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: tf.TypedArray): tf.TensorInfo;
}

export const cpuUnsortedSegmentSumFix = unsortedSegmentSumFix<CpuBackend>("cpu", "stock cpu kernel is O(numSegments*N*H) in time and memory", (cpu, { x, segmentIds, numSegments, shape, inner }) => {
  const out = tf.util.getTypedArrayFromDType(x.dtype as "float32" | "int32", numSegments * inner);
  sumSegmentsInto(out, cpu.data.get(x.dataId).values, cpu.data.get(segmentIds.dataId).values, inner);
  return cpu.makeTensorInfo(shape, x.dtype, out);
});
