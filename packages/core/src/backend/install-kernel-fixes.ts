// installKernelFixes(): registers every KernelFix over the stock tfjs kernel (docs/tfjs.md §2-3);
// removeKernelFixes() restores the stock kernels (benchmarks compare the two). Both are idempotent.
// The stock setup/dispose functions are kept, so installing before or after tf.setBackend both work.
import * as tf from "@tensorflow/tfjs";
import type { KernelFix } from "./kernels/kernel-fix.js";
import { cpuUnsortedSegmentSumFix } from "./kernels/cpu-unsorted-segment-sum.js";
import { wasmBatchMatMulFix } from "./kernels/wasm-batch-mat-mul.js";
import { wasmUnsortedSegmentSumFix } from "./kernels/wasm-unsorted-segment-sum.js";

/** Every fix, once. */
export const KERNEL_FIXES: readonly KernelFix[] = [wasmBatchMatMulFix, wasmUnsortedSegmentSumFix, cpuUnsortedSegmentSumFix];

/** Stock kernel (or null when there was none) of each installed fix, by `${backend}/${kernel}`. */
const replaced = new Map<string, tf.KernelConfig | null>();

const fixKey = (fix: KernelFix) => `${fix.backendName}/${fix.kernelName}`;

/** Installs the fixes for every registered backend they target; returns the keys of the installed fixes. */
export function installKernelFixes(): string[] {
  for (const fix of KERNEL_FIXES) {
    if (replaced.has(fixKey(fix)) || tf.findBackendFactory(fix.backendName) === null) continue;
    const stock = findKernel(fix.kernelName, fix.backendName);
    const kernelFunc = fix.create(stock);
    if (stock !== undefined) tf.unregisterKernel(fix.kernelName, fix.backendName);
    tf.registerKernel({ ...stock, kernelName: fix.kernelName, backendName: fix.backendName, kernelFunc });
    replaced.set(fixKey(fix), stock ?? null);
  }
  return [...replaced.keys()];
}

/** Puts the stock kernels back (and unregisters the kernels that only the fixes provided). */
export function removeKernelFixes(): void {
  for (const fix of KERNEL_FIXES) {
    const key = fixKey(fix);
    if (!replaced.has(key)) continue;
    const stock = replaced.get(key)!;
    tf.unregisterKernel(fix.kernelName, fix.backendName);
    if (stock !== null) tf.registerKernel(stock);
    replaced.delete(key);
  }
}

function findKernel(kernelName: string, backendName: string): tf.KernelConfig | undefined {
  return tf.getKernelsForBackend(backendName).find((k) => k.kernelName === kernelName);
}
