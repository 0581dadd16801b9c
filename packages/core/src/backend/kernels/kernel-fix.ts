// KernelFix: a replacement for one registered tfjs kernel on one backend (docs/tfjs.md §2-3).
// Fixes are plain objects listed once in KERNEL_FIXES; installKernelFixes() registers them.
import type * as tf from "@tensorflow/tfjs";

export interface KernelFix {
  readonly kernelName: string;
  readonly backendName: "wasm" | "cpu";
  /** Why the stock kernel is replaced (or added), in one line. */
  readonly reason: string;
  /** The replacement kernel; `stock` is the kernel it replaces, undefined when the backend has none. */
  create(stock: tf.KernelConfig | undefined): tf.KernelFunc;
}
