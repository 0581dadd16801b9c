// measureMatmulGflops(): matmul throughput of the active tfjs backend, for `s3pet doctor` and the
// matmul benchmark. Each timed run is tf.matMul + dataSync (so the work has finished) + dispose;
// the result is the median over at least `minRuns` runs and `minMs` of timed work, after warm-up.
import * as tf from "@tensorflow/tfjs";

export interface MatmulShape {
  /** Shape of a, e.g. [M, K] or [batch, M, K]. @default [256, 256] */
  readonly a?: readonly number[];
  /** Shape of b. @default [256, 256] */
  readonly b?: readonly number[];
  /** @default false */
  readonly transposeA?: boolean;
  /** @default false */
  readonly transposeB?: boolean;
}

export interface MatmulTiming {
  /** 10^9 multiply-adds x 2 per second: 2*M*N*K*batch / median time. */
  readonly gflops: number;
  readonly medianMs: number;
  readonly runs: number;
  readonly flops: number;
}

export interface TimingOptions {
  /** @default 2 */
  readonly warmupRuns?: number;
  /** @default 5 */
  readonly minRuns?: number;
  /** Keep timing until this much time has been measured. @default 300 */
  readonly minMs?: number;
  /** @default 50 */
  readonly maxRuns?: number;
}

export function measureMatmulGflops(shape: MatmulShape = {}, options: TimingOptions = {}): MatmulTiming {
  const { a: aShape = [256, 256], b: bShape = [256, 256], transposeA = false, transposeB = false } = shape;
  const { warmupRuns = 2, minRuns = 5, minMs = 300, maxRuns = 50 } = options;
  const a = tf.randomNormal([...aShape], 0, 1, "float32", 1);
  const b = tf.randomNormal([...bShape], 0, 1, "float32", 2);
  try {
    const once = () => {
      const start = performance.now();
      const out = tf.matMul(a, b, transposeA, transposeB);
      out.dataSync();
      out.dispose();
      return performance.now() - start;
    };
    for (let i = 0; i < warmupRuns; i++) once();
    const times: number[] = [];
    let total = 0;
    while (times.length < maxRuns && (times.length < minRuns || total < minMs)) {
      times.push(once());
      total += times.at(-1)!;
    }
    const flops = matmulFlops(aShape, bShape, transposeA, transposeB);
    const medianMs = median(times);
    return { gflops: flops / (medianMs * 1e6), medianMs, runs: times.length, flops };
  } finally {
    tf.dispose([a, b]);
  }
}

/** 2*M*N*K per output matrix, times the broadcast batch size. */
export function matmulFlops(aShape: readonly number[], bShape: readonly number[], transposeA = false, transposeB = false): number {
  const M = transposeA ? aShape.at(-1)! : aShape.at(-2)!;
  const K = transposeA ? aShape.at(-2)! : aShape.at(-1)!;
  const N = transposeB ? bShape.at(-2)! : bShape.at(-1)!;
  const batch = tf.util.sizeFromShape(tf.broadcast_util.assertAndGetBroadcastShape(aShape.slice(0, -2), bShape.slice(0, -2)));
  return 2 * M * N * K * batch;
}

function median(xs: number[]): number {
  const s = [...xs].sort((x, y) => x - y);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
