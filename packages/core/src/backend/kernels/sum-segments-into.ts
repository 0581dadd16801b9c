// The linear-time segment sum shared by the wasm and cpu UnsortedSegmentSum fixes:
// out[ids[i], j] += x[i, j], skipping ids outside [0, numSegments) like TensorFlow does.
import type * as tf from "@tensorflow/tfjs";

/** `out` ([numSegments, inner], zero-filled by the caller) accumulates the rows of `x` ([n, inner]). */
export function sumSegmentsInto(out: tf.TypedArray, x: ArrayLike<number>, ids: ArrayLike<number>, inner: number): void {
  const numSegments = out.length / inner;
  for (let i = 0; i < ids.length; i++) {
    const s = ids[i]!;
    if (s < 0 || s >= numSegments) continue;
    const o = s * inner;
    const xi = i * inner;
    for (let j = 0; j < inner; j++) out[o + j]! += x[xi + j]!;
  }
}
