import * as tf from "@tensorflow/tfjs";
import { afterAll, describe, expect, it } from "vitest";
import { KERNEL_FIXES, installKernelFixes, kernelFixKey, removeKernelFixes } from "./install-kernel-fixes.js";

describe("installKernelFixes", () => {
  afterAll(() => {
    installKernelFixes();
  });

  it("lists each kernel fix once", () => {
    const keys = KERNEL_FIXES.map(kernelFixKey);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys).toEqual(["wasm/BatchMatMul", "wasm/UnsortedSegmentSum", "cpu/UnsortedSegmentSum", "gradient/BatchMatMul", "wasm/Identity", "wasm/Cast"]);
  });

  it("installs every fix, is idempotent, and removeKernelFixes restores the stock kernels", () => {
    const installed = installKernelFixes();
    expect(installed.sort()).toEqual(KERNEL_FIXES.map(kernelFixKey).sort());
    const fixedMatMul = tf.getKernel("BatchMatMul", "wasm");
    const fixedGradient = tf.getGradient("BatchMatMul");
    installKernelFixes();
    expect(tf.getKernel("BatchMatMul", "wasm")).toBe(fixedMatMul); // not wrapped twice

    removeKernelFixes();
    expect(tf.getKernel("BatchMatMul", "wasm").kernelFunc).not.toBe(fixedMatMul.kernelFunc);
    expect(tf.getGradient("BatchMatMul")).not.toBe(fixedGradient);
    expect(tf.getKernel("UnsortedSegmentSum", "wasm")).toBeUndefined(); // stock wasm has none
    removeKernelFixes(); // idempotent too

    installKernelFixes();
    expect(tf.getKernel("UnsortedSegmentSum", "wasm")).toBeDefined();
  });

  it("keeps the stock setup function, so the fixed kernels work on a freshly initialised backend", () => {
    const matMul = tf.getKernel("BatchMatMul", "wasm");
    expect(matMul.setupFunc).toBeTypeOf("function");
  });
});
