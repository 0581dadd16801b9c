// @ts-check
// Where a step's time goes, kernel by kernel: wraps every kernel registered for the active backend with
// a CPU-time timer (process CPU time, so a loaded machine's preemption does not count; the engine looks kernels up per call, so the wrappers see every op the engine dispatches;
// kernels that other kernels call directly, e.g. the Transpose inside the BatchMatMul fix, count in
// their caller). Per step: total kernel ms by kernel name, matmuls by shape with their FLOPs and
// GFLOP/s, and the rest of the step (dispatch, tape bookkeeping, host copies, JS) as step CPU ms minus
// kernel CPU ms. Benchmark tooling only: it changes nothing but adds ~1 us per op.
import * as tf from "@tensorflow/tfjs";

/** @typedef {{ ms: number, calls: number }} Tally */

export function installKernelProfiler() {
  const backendName = tf.getBackend();
  /** @type {Map<string, Tally>} */
  let byKernel = new Map();
  /** @type {Map<string, Tally & { flops: number }>} */
  let byMatmul = new Map();
  let depth = 0;
  let cpuAtTake = cpuMs();
  for (const config of tf.getKernelsForBackend(backendName)) {
    const inner = config.kernelFunc;
    tf.unregisterKernel(config.kernelName, backendName);
    tf.registerKernel({
      ...config,
      kernelFunc: (args) => {
        depth++;
        const t0 = cpuMs();
        try {
          return inner(args);
        } finally {
          const ms = cpuMs() - t0;
          depth--;
          if (depth === 0) {
            tally(byKernel, config.kernelName, ms);
            if (config.kernelName === "BatchMatMul" || config.kernelName === "_FusedMatMul") {
              const { a, b } = /** @type {any} */ (args.inputs);
              const { transposeA, transposeB } = /** @type {any} */ (args.attrs);
              const key = `${shapeText(a.shape)}${transposeA ? "ᵀ" : ""} · ${shapeText(b.shape)}${transposeB ? "ᵀ" : ""}`;
              const m = tally(byMatmul, key, ms, { flops: 0 });
              m.flops += matmulFlops(a.shape, b.shape, transposeA, transposeB);
            }
          }
        }
      },
    });
  }
  return {
    /** Returns what was recorded since the last call and starts afresh. */
    take() {
      const now = cpuMs();
      const out = { cpuMs: now - cpuAtTake, byKernel, byMatmul };
      cpuAtTake = now;
      byKernel = new Map();
      byMatmul = new Map();
      return out;
    },
  };
}

/**
 * Counts the FLOPs of every matmul the engine dispatches (2*M*N*K per product; no timing, so it costs
 * nothing measurable); `take()` returns the count since the last call.
 */
export function installMatmulFlopCounter() {
  const backendName = tf.getBackend();
  let flops = 0;
  for (const kernelName of ["BatchMatMul", "_FusedMatMul"]) {
    const config = tf.getKernelsForBackend(backendName).find((k) => k.kernelName === kernelName);
    if (!config) continue;
    tf.unregisterKernel(kernelName, backendName);
    tf.registerKernel({
      ...config,
      kernelFunc: (args) => {
        const { a, b } = /** @type {any} */ (args.inputs);
        const { transposeA, transposeB } = /** @type {any} */ (args.attrs);
        flops += matmulFlops(a.shape, b.shape, transposeA, transposeB);
        return config.kernelFunc(args);
      },
    });
  }
  return {
    take() {
      const out = flops;
      flops = 0;
      return out;
    },
  };
}

/**
 * Averages the per-step recordings of `steps` (each { cpuMs, byKernel, byMatmul }) into one profile:
 * kernels sorted by time, matmuls by shape, and the split matmul / other kernels / outside kernels.
 */
export function summariseProfile(steps) {
  const n = steps.length;
  /** @type {Map<string, Tally>} */
  const kernels = new Map();
  /** @type {Map<string, Tally & { flops: number }>} */
  const matmuls = new Map();
  let stepMs = 0;
  for (const s of steps) {
    stepMs += s.cpuMs;
    for (const [k, t] of s.byKernel) tally(kernels, k, t.ms, {}, t.calls);
    for (const [k, t] of s.byMatmul) tally(matmuls, k, t.ms, { flops: 0 }, t.calls).flops += t.flops;
  }
  const per = (x) => x / n;
  const kernelMs = per([...kernels.values()].reduce((s, t) => s + t.ms, 0));
  const matmulMs = per((kernels.get("BatchMatMul")?.ms ?? 0) + (kernels.get("_FusedMatMul")?.ms ?? 0));
  const matmulFlopsPerStep = per([...matmuls.values()].reduce((s, t) => s + t.flops, 0));
  return {
    steps: n,
    stepCpuMs: per(stepMs),
    kernelMs,
    matmulMs,
    otherKernelMs: kernelMs - matmulMs,
    outsideKernelsMs: per(stepMs) - kernelMs,
    opsPerStep: per([...kernels.values()].reduce((s, t) => s + t.calls, 0)),
    executedMatmulGflop: matmulFlopsPerStep / 1e9,
    matmulGflops: matmulFlopsPerStep / 1e6 / matmulMs,
    kernels: [...kernels].map(([name, t]) => ({ name, ms: per(t.ms), calls: per(t.calls) })).sort((x, y) => y.ms - x.ms),
    matmuls: [...matmuls]
      .map(([shape, t]) => ({ shape, ms: per(t.ms), calls: per(t.calls), gflop: per(t.flops) / 1e9, gflops: t.flops / 1e6 / t.ms }))
      .sort((x, y) => y.ms - x.ms),
  };
}

/** CPU time of this process in ms (user + system). */
export function cpuMs() {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

function tally(map, key, ms, init = {}, calls = 1) {
  let t = map.get(key);
  if (!t) map.set(key, (t = { ms: 0, calls: 0, ...init }));
  t.ms += ms;
  t.calls += calls;
  return t;
}

function shapeText(shape) {
  return `[${shape.join(",")}]`;
}

function matmulFlops(a, b, transposeA, transposeB) {
  const M = transposeA ? a.at(-1) : a.at(-2);
  const K = transposeA ? a.at(-2) : a.at(-1);
  const N = transposeB ? b.at(-2) : b.at(-1);
  const batch = tf.util.sizeFromShape(tf.broadcast_util.assertAndGetBroadcastShape(a.slice(0, -2), b.slice(0, -2)));
  return 2 * M * N * K * batch;
}
