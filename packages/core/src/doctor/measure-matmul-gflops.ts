// measureMatmulGflops(): matmul throughput of the active tfjs backend, for `s3pet doctor` and the
// matmul benchmark. Each timed run is tf.matMul + dispose, plus a read of the result on a backend
// whose kernels run asynchronously (webgl, webgpu) so the work has finished; wasm, cpu and tensorflow
// finish a kernel before it returns, and a read there would time the readback (on wasm ~19 ms of a
// 1024 x 1024 matmul's 77, even for one element). The result is the median over at least `minRuns` runs
// and `minMs` of timed work, after a warm-up of at least `warmupRuns` runs and `warmupMs` (V8 compiles
// the wasm kernels with a baseline tier first and optimises them while they run).
import * as tf from "@tensorflow/tfjs";

/**
 * The square matmul whose GFLOP/s `s3pet doctor` reports as the backend's roofline. 1024: a smaller one
 * measures per-call overhead (on wasm a 256 x 256 matmul with its dataSync reads ~15 GFLOP/s, while the
 * [2048,768]·[768,3072] products of a bert-base step run at ~37), so a step could read above 100% of it.
 */
export const ROOFLINE_MATMUL_SIZE = 1024;

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
  /** @default 300 */
  readonly warmupMs?: number;
  /** @default 5 */
  readonly minRuns?: number;
  /** Keep timing until this much time has been measured. @default 300 */
  readonly minMs?: number;
  /** @default 50 */
  readonly maxRuns?: number;
}

/** Backends whose kernels have finished when they return. */
const SYNCHRONOUS_BACKENDS = ["wasm", "cpu", "tensorflow"];

export function measureMatmulGflops(shape: MatmulShape = {}, options: TimingOptions = {}): MatmulTiming {
  const { a: aShape = [256, 256], b: bShape = [256, 256], transposeA = false, transposeB = false } = shape;
  const { warmupRuns = 2, warmupMs = 300, minRuns = 5, minMs = 300, maxRuns = 50 } = options;
  const synchronous = SYNCHRONOUS_BACKENDS.includes(tf.getBackend());
  const a = tf.randomNormal([...aShape], 0, 1, "float32", 1);
  const b = tf.randomNormal([...bShape], 0, 1, "float32", 2);
  try {
    const once = () => {
      const start = performance.now();
      const out = tf.matMul(a, b, transposeA, transposeB);
      if (!synchronous) out.dataSync();
      out.dispose();
      return performance.now() - start;
    };
    let warm = 0;
    for (let i = 0; i < warmupRuns || warm < warmupMs; i++) warm += once();
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
