// T5's bucketed relative position bias: a learned [buckets, heads] table indexed by the bucket of
// (key position - query position), added to the attention scores. The bucket ids are computed on the
// host in float32 arithmetic, as transformers computes them in torch, so that distances on a bucket
// boundary (log ratios that are whole numbers) fall on the same side.
import * as tf from "@tensorflow/tfjs";

const f32 = Math.fround;

/** The bucket of one relative position (modeling_t5.py T5Attention._relative_position_bucket). */
export function relativePositionBucket(relative: number, bidirectional: boolean, numBuckets: number, maxDistance: number): number {
  let bucket = 0;
  let buckets = numBuckets;
  let n: number;
  if (bidirectional) {
    buckets = Math.floor(buckets / 2); // half the buckets for keys after the query
    if (relative > 0) bucket += buckets;
    n = Math.abs(relative);
  } else {
    n = Math.max(-relative, 0); // causal: only keys at or before the query
  }
  const maxExact = Math.floor(buckets / 2);
  if (n < maxExact) return bucket + n;
  const scaled = f32(f32(f32(Math.log(f32(n / maxExact))) / f32(Math.log(maxDistance / maxExact))) * (buckets - maxExact));
  return bucket + Math.min(maxExact + Math.trunc(scaled), buckets - 1);
}

/** Bucket ids [qLen * kLen], row-major (query, key). */
export function relativePositionBuckets(qLen: number, kLen: number, bidirectional: boolean, numBuckets: number, maxDistance: number): Int32Array {
  const ids = new Int32Array(qLen * kLen);
  for (let i = 0; i < qLen; i++) {
    for (let j = 0; j < kLen; j++) ids[i * kLen + j] = relativePositionBucket(j - i, bidirectional, numBuckets, maxDistance);
  }
  return ids;
}

/** table [buckets, heads] -> bias [1, heads, qLen, kLen] */
export function relativePositionBias(table: tf.Tensor, qLen: number, kLen: number, bidirectional: boolean, maxDistance: number): tf.Tensor4D {
  const [numBuckets, heads] = table.shape as [number, number];
  const ids = tf.tensor1d(relativePositionBuckets(qLen, kLen, bidirectional, numBuckets, maxDistance), "int32");
  const values = tf.gather(table, ids); // [q*k, heads]
  return tf.reshape(tf.transpose(values), [1, heads, qLen, kLen]); // [1, heads, q, k]
}
