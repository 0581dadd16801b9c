import { describe, expect, it } from "vitest";
import { S3petInputError } from "../errors/s3pet-error.js";
import { BACKEND_CANDIDATES, planBackends } from "./plan-backends.js";

const installed = (...packages: string[]) => (p: string) => packages.includes(p);
const names = (plan: { name: string; packageName: string | null }[]) => plan.map((c) => c.packageName ?? c.name);

describe("planBackends", () => {
  it("prefers tfjs-node-gpu, then tfjs-node, then wasm, then cpu", () => {
    const all = installed("@tensorflow/tfjs-node-gpu", "@tensorflow/tfjs-node", "@tensorflow/tfjs-backend-wasm");
    expect(names(planBackends(undefined, all))).toEqual([
      "@tensorflow/tfjs-node-gpu",
      "@tensorflow/tfjs-node",
      "@tensorflow/tfjs-backend-wasm",
      "cpu",
    ]);
  });

  it("skips packages that are not installed and always keeps cpu last", () => {
    expect(names(planBackends(undefined, installed("@tensorflow/tfjs-backend-wasm")))).toEqual(["@tensorflow/tfjs-backend-wasm", "cpu"]);
    expect(names(planBackends(undefined, installed("@tensorflow/tfjs-node")))).toEqual(["@tensorflow/tfjs-node", "cpu"]);
    expect(names(planBackends(undefined, installed()))).toEqual(["cpu"]);
  });

  it("treats an empty override as automatic", () => {
    expect(names(planBackends("", installed("@tensorflow/tfjs-backend-wasm")))).toEqual(["@tensorflow/tfjs-backend-wasm", "cpu"]);
  });

  it("keeps only the forced backend (case-insensitive)", () => {
    const all = installed("@tensorflow/tfjs-node-gpu", "@tensorflow/tfjs-node", "@tensorflow/tfjs-backend-wasm");
    expect(names(planBackends("cpu", all))).toEqual(["cpu"]);
    expect(names(planBackends("WASM", all))).toEqual(["@tensorflow/tfjs-backend-wasm"]);
    expect(names(planBackends("tensorflow", all))).toEqual(["@tensorflow/tfjs-node-gpu", "@tensorflow/tfjs-node"]);
    expect(names(planBackends("tensorflow", installed("@tensorflow/tfjs-node")))).toEqual(["@tensorflow/tfjs-node"]);
  });

  it("fails with a one-line error naming the variable and the fix when the forced backend is not installed", () => {
    const plan = () => planBackends("tensorflow", installed("@tensorflow/tfjs-backend-wasm"));
    expect(plan).toThrow(S3petInputError);
    expect(plan).toThrow(
      "S3PET_BACKEND=tensorflow: @tensorflow/tfjs-node-gpu or @tensorflow/tfjs-node is not installed; install it (npm i @tensorflow/tfjs-node) or unset S3PET_BACKEND",
    );
    expect(() => planBackends("wasm", installed())).toThrow("S3PET_BACKEND=wasm: @tensorflow/tfjs-backend-wasm is not installed");
  });

  it("rejects an unknown backend name", () => {
    expect(() => planBackends("gpu", installed())).toThrow(
      "S3PET_BACKEND='gpu' is not a backend; use one of tensorflow, wasm, cpu, or unset it",
    );
  });

  it("lists each package once", () => {
    const packages = BACKEND_CANDIDATES.map((c) => c.packageName ?? c.name);
    expect(new Set(packages).size).toBe(packages.length);
  });
});
