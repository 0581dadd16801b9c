// BatchMatMul wrapper for tfjs-backend-wasm 4.22.0. The stock kernel runs XNNPACK only when neither
// operand is transposed and both have batch 1; everything else (every matmul gradient, x[B,T,H]·W,
// attention) falls into a scalar loop at 1-2 GFLOP/s instead of ~28 (docs/BACKEND.md §2). This wrapper
// reaches the fast path by (1) explicit transposes, (2) folding a's batch into rows when b has batch 1,
// (3) one fast 2-D matmul per batch slice on zero-copy aliases of the operands' wasm memory. (4) A
// plain 2-D matmul runs on an alias of b too, so XNNPACK keeps no packed copy of a frozen weight.
import * as tf from "@tensorflow/tfjs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import type { KernelFix } from "./kernel-fix.js";

const BYTES_PER_FLOAT = 4;

export const wasmBatchMatMulFix: KernelFix = {
  kind: "kernel",
  kernelName: "BatchMatMul",
  backendName: "wasm",
  reason: "stock kernel is 10-25x slower on transposed or batched operands",
  create(stock) {
    if (stock === undefined) throw new Error("wasm BatchMatMul fix: the stock wasm BatchMatMul kernel is not registered");
    const stockMatMul = stock.kernelFunc;
    const transposeKernel = tf.getKernel("Transpose", "wasm").kernelFunc;

    return ({ inputs, backend, attrs }) => {
      const wasm = backend as BackendWasm;
      const { a, b } = inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
      const { transposeA, transposeB } = attrs as { transposeA: boolean; transposeB: boolean };
      const plain = { transposeA: false, transposeB: false };
      const matMul = (x: tf.TensorInfo, y: tf.TensorInfo) => stockMatMul({ inputs: { a: x, b: y }, backend, attrs: plain }) as tf.TensorInfo;
      const hasZeroDim = [...a.shape, ...b.shape].includes(0);
      if (a.dtype !== "float32" || b.dtype !== "float32" || hasZeroDim) return stockMatMul({ inputs, backend, attrs });
      if (!transposeA && !transposeB && a.shape.length === 2 && b.shape.length === 2) return uncachedMatMul(wasm, matMul, a, b);

      // Swap the last two axes with a real copy (disposed at the end unless `keep`).
      const temporaries: tf.TensorInfo[] = [];
      const transposed = (x: tf.TensorInfo, keep = false) => {
        const perm = x.shape.map((_, i) => i);
        const r = perm.length;
        [perm[r - 2], perm[r - 1]] = [perm[r - 1]!, perm[r - 2]!];
        const t = transposeKernel({ inputs: { x }, backend, attrs: { perm } }) as tf.TensorInfo;
        if (!keep) temporaries.push(t);
        return t;
      };
      /** x · y for untransposed operands, through the fast path. */
      const product = (x: tf.TensorInfo, y: tf.TensorInfo): tf.TensorInfo => {
        const [M, K] = x.shape.slice(-2) as [number, number]; // x: [...batchX, M, K]
        const N = y.shape.at(-1)!; // y: [...batchY, K, N]
        const batchX = tf.util.sizeFromShape(x.shape.slice(0, -2));
        const batchY = tf.util.sizeFromShape(y.shape.slice(0, -2));
        const outBatchShape = tf.backend_util.assertAndGetBroadcastShape(x.shape.slice(0, -2), y.shape.slice(0, -2));
        let out: tf.TensorInfo;
        if (batchY === 1) {
          out = matMul(withShape(x, [batchX * M, K]), withShape(y, [K, N])); // [batchX*M, N]
        } else if (batchX === batchY || batchX === 1) {
          out = matMulPerSlice(wasm, matMul, x, y, { batch: batchY, strideA: batchX === 1 ? 0 : M * K, M, K, N }); // [batch, M, N]
        } else {
          out = matMul(x, y); // general broadcast (e.g. [2,1,M,K]x[1,3,K,N]): rare, the stock loop without transposes
        }
        return withShape(out, [...outBatchShape, M, N]);
      };

      let out: tf.TensorInfo;
      if (transposeA !== transposeB && swapMovesLess(a.shape, b.shape, transposeA)) {
        // aᵀ·b = (bᵀ·a)ᵀ and a·bᵀ = (b·aᵀ)ᵀ: copy the small operand and the output rather than the big
        // operand (a LoRA gradient xᵀ·g with x [N, 768] and g [N, 8]: 3x faster).
        const outT = transposeA ? product(transposed(b), a) : product(b, transposed(a));
        temporaries.push(outT);
        out = transposed(outT, true);
      } else {
        out = product(transposeA ? transposed(a) : a, transposeB ? transposed(b) : b);
      }
      for (const t of temporaries) wasm.disposeData(t.dataId);
      return out;
    };
  },
};

/**
 * With one operand transposed, whether transposing the other operand and the output copies fewer
 * elements than transposing that operand (sizes include the batch dims).
 */
function swapMovesLess(aShape: number[], bShape: number[], transposeA: boolean): boolean {
  const size = tf.util.sizeFromShape;
  const M = transposeA ? aShape.at(-1)! : aShape.at(-2)!;
  const N = transposeA ? bShape.at(-1)! : bShape.at(-2)!;
  const outSize = size(tf.backend_util.assertAndGetBroadcastShape(aShape.slice(0, -2), bShape.slice(0, -2))) * M * N;
  return transposeA ? size(bShape) + outSize < size(aShape) : size(aShape) + outSize < size(bShape);
}

/**
 * a · b (2-D, untransposed) without a lasting XNNPACK operator for b. The stock kernel caches the
 * operator it creates for a right operand, with its own packed copy of b's values, until b is
 * disposed: for a frozen weight that is a second copy of the weight for the whole run (at bert-base
 * 324 MiB of the wasm heap per worker; docs/MEMORY.md). b is passed as an alias registered at its
 * memory and unregistered after the call, which drops the operator and its copy; packing b again on
 * the next call costs O(K N), against the matmul's O(M K N).
 */
function uncachedMatMul(wasm: BackendWasm, matMul: (x: tf.TensorInfo, y: tf.TensorInfo) => tf.TensorInfo, a: tf.TensorInfo, b: tf.TensorInfo): tf.TensorInfo {
  const alias = wasm.makeOutput(b.shape, "float32", wasm.dataIdMap.get(b.dataId)!.memoryOffset);
  try {
    return matMul(a, alias);
  } finally {
    wasm.wasm.tfjs.disposeData(wasm.dataIdMap.get(alias.dataId)!.id);
    wasm.dataIdMap.delete(alias.dataId);
  }
}

/** The wasm heap as bytes (an emscripten module field the tfjs typings leave out). */
function heapOf(wasm: BackendWasm): Uint8Array {
  return (wasm.wasm as unknown as { HEAPU8: Uint8Array }).HEAPU8;
}

/** The same data seen with another shape of equal size (kernels address data by dataId). */
function withShape(t: tf.TensorInfo, shape: number[]): tf.TensorInfo {
  return { dataId: t.dataId, shape, dtype: t.dtype };
}

/**
 * out[i] = a[i] · b[i] as `batch` fast 2-D matmuls. Slices are aliases registered at offsets inside the
 * operands' memory and unregistered without freeing it: tf.slice would cost ~0.7 ms per slice on wasm,
 * more than the matmul itself.
 */
function matMulPerSlice(
  wasm: BackendWasm,
  matMul: (x: tf.TensorInfo, y: tf.TensorInfo) => tf.TensorInfo,
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  { batch, strideA, M, K, N }: { batch: number; strideA: number; M: number; K: number; N: number },
): tf.TensorInfo {
  const offsetOf = (t: tf.TensorInfo) => wasm.dataIdMap.get(t.dataId)!.memoryOffset;
  const out = wasm.makeOutput([batch, M, N], "float32");
  const offA = offsetOf(a);
  const offB = offsetOf(b);
  const offOut = offsetOf(out);
  for (let i = 0; i < batch; i++) {
    const ai = wasm.makeOutput([M, K], "float32", offA + i * strideA * BYTES_PER_FLOAT);
    const bi = wasm.makeOutput([K, N], "float32", offB + i * K * N * BYTES_PER_FLOAT);
    const oi = matMul(ai, bi); // [M, N]
    const src = offsetOf(oi);
    // Read HEAPU8 after the matmul: heap growth replaces the view.
    heapOf(wasm).copyWithin(offOut + i * M * N * BYTES_PER_FLOAT, src, src + M * N * BYTES_PER_FLOAT);
    wasm.disposeData(oi.dataId);
    for (const alias of [ai, bi]) {
      wasm.wasm.tfjs.disposeData(wasm.dataIdMap.get(alias.dataId)!.id);
      wasm.dataIdMap.delete(alias.dataId);
    }
  }
  return out;
}
