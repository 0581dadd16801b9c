// Identity and same-dtype Cast for tfjs-backend-wasm 4.22.0 that share the input's memory (a reference
// count, as the cpu backend's Identity does) instead of copying it. tfjs clones every tensor it saves
// for the backward pass through Identity, so the stock copying kernel duplicates each activation and
// each frozen weight a taped matmul reads, every step: on a 2-layer bert-base slice at 16 x 128 that
// was 266 copies and ~4% of the LoRA step, plus their memory. Tensors are immutable (a Variable's
// assign swaps its data), so sharing is safe. Casts to another dtype still convert through the stock kernel.
import type * as tf from "@tensorflow/tfjs";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import type { KernelFix } from "./kernel-fix.js";

/** The same data under a new reference; the backend frees it when the last reference is disposed. */
function share(x: tf.TensorInfo, backend: unknown): tf.TensorInfo {
  (backend as BackendWasm).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

/**
 * A wasm kernel that returns `x` shared when `shares(x, attrs)` says its output equals x, and otherwise
 * runs the stock kernel it replaces.
 */
function shareDataFix(kernelName: string, reason: string, shares: (x: tf.TensorInfo, attrs: tf.NamedAttrMap | undefined) => boolean): KernelFix {
  return {
    kind: "kernel",
    kernelName,
    backendName: "wasm",
    reason,
    create(stock) {
      if (stock === undefined) throw new Error(`wasm ${kernelName} fix: the stock wasm ${kernelName} kernel is not registered`);
      return (args) => {
        const { x } = args.inputs as { x: tf.TensorInfo };
        return x.dtype !== "string" && shares(x, args.attrs) ? share(x, args.backend) : stock.kernelFunc(args);
      };
    },
  };
}

export const wasmIdentityFix = shareDataFix("Identity", "stock kernel copies every tensor tfjs saves for the backward pass", () => true);

export const wasmCastFix = shareDataFix("Cast", "stock kernel copies a tensor cast to its own dtype", (x, attrs) => (attrs as { dtype: tf.DataType }).dtype === x.dtype);
