// KernelFix: a replacement for one registered tfjs kernel on one backend, or for one kernel's gradient
// on every backend (docs/BACKEND.md §2-3). Fixes are plain objects listed once in KERNEL_FIXES;
// installKernelFixes() registers them over the stock ones.
import type * as tf from "@tensorflow/tfjs";

export type KernelFix = KernelFuncFix | GradientFix;

/** Replaces (or adds) the forward kernel of one backend. */
export interface KernelFuncFix {
  readonly kind: "kernel";
  readonly kernelName: string;
  readonly backendName: "wasm" | "cpu";
  /** Why the stock kernel is replaced (or added), in one line. */
  readonly reason: string;
  /** The replacement kernel; `stock` is the kernel it replaces, undefined when the backend has none. */
  create(stock: tf.KernelConfig | undefined): tf.KernelFunc;
}

/** Replaces the gradient of one kernel (backend-independent). */
export interface GradientFix {
  readonly kind: "gradient";
  readonly kernelName: string;
  /** Why the stock gradient is replaced, in one line. */
  readonly reason: string;
  /** The replacement gradient; `stock` is the registered one. */
  create(stock: tf.GradConfig): tf.GradConfig;
}
