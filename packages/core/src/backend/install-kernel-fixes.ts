// installKernelFixes(): registers every KernelFix over the stock tfjs kernel or gradient
// (docs/BACKEND.md §2-3); removeKernelFixes() restores the stock ones (benchmarks compare the two).
// Both are idempotent. Stock setup/dispose functions are kept, so installing before or after
// tf.setBackend both work.
import * as tf from "@tensorflow/tfjs";
import type { KernelFix } from "./kernels/kernel-fix.js";
import { batchMatMulGradientFix } from "./kernels/batch-mat-mul-gradient.js";
import { cpuUnsortedSegmentSumFix } from "./kernels/cpu-unsorted-segment-sum.js";
import { wasmBatchMatMulFix } from "./kernels/wasm-batch-mat-mul.js";
import { wasmCastFix, wasmIdentityFix } from "./kernels/wasm-share-data.js";
import { wasmUnsortedSegmentSumFix } from "./kernels/wasm-unsorted-segment-sum.js";
import { processSingleton } from "./process-singleton.js";

/** Every fix, once. */
export const KERNEL_FIXES: readonly KernelFix[] = [
  wasmBatchMatMulFix,
  wasmUnsortedSegmentSumFix,
  cpuUnsortedSegmentSumFix,
  batchMatMulGradientFix,
  wasmIdentityFix,
  wasmCastFix,
];

/** The key a fix is known by: `<backend>/<kernel>` or `gradient/<kernel>`. */
export function kernelFixKey(fix: KernelFix): string {
  return `${fix.kind === "kernel" ? fix.backendName : "gradient"}/${fix.kernelName}`;
}

/** What each installed fix replaced (null: there was no stock kernel), by kernelFixKey; shared per process. */
const replaced = processSingleton("kernel-fixes", () => new Map<string, tf.KernelConfig | tf.GradConfig | null>());

/** Installs every fix not yet installed (kernel fixes only for registered backends); returns the installed keys. */
export function installKernelFixes(): string[] {
  for (const fix of KERNEL_FIXES) {
    const key = kernelFixKey(fix);
    if (replaced.has(key)) continue;
    if (fix.kind === "gradient") {
      const stock = tf.getGradient(fix.kernelName);
      tf.registerGradient(fix.create(stock));
      replaced.set(key, stock);
    } else if (tf.findBackendFactory(fix.backendName) !== null) {
      const stock = findKernel(fix.kernelName, fix.backendName);
      const kernelFunc = fix.create(stock);
      if (stock !== undefined) tf.unregisterKernel(fix.kernelName, fix.backendName);
      tf.registerKernel({ ...stock, kernelName: fix.kernelName, backendName: fix.backendName, kernelFunc });
      replaced.set(key, stock ?? null);
    }
  }
  return [...replaced.keys()];
}

/** Puts the stock kernels and gradients back (and unregisters kernels only the fixes provided). */
export function removeKernelFixes(): void {
  for (const fix of KERNEL_FIXES) {
    const key = kernelFixKey(fix);
    if (!replaced.has(key)) continue;
    const stock = replaced.get(key)!;
    if (fix.kind === "gradient") {
      tf.registerGradient(stock as tf.GradConfig);
    } else {
      tf.unregisterKernel(fix.kernelName, fix.backendName);
      if (stock !== null) tf.registerKernel(stock as tf.KernelConfig);
    }
    replaced.delete(key);
  }
}

function findKernel(kernelName: string, backendName: string): tf.KernelConfig | undefined {
  return tf.getKernelsForBackend(backendName).find((k) => k.kernelName === kernelName);
}
