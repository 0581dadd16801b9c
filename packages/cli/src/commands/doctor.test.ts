import { describe, expect, it } from "vitest";
import type { CommandIo } from "../cli/command.js";
import { runCli } from "../cli/run-cli.js";
import { COMMANDS } from "./index.js";

async function run(argv: string[]) {
  let stdout = "";
  let stderr = "";
  const io: CommandIo = { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) }, env: {}, cwd: "/" };
  return { code: await runCli(argv, io, COMMANDS), stdout, stderr };
}

const expectedBackend = process.env.S3PET_BACKEND?.toLowerCase() || "wasm";

describe("s3pet doctor", () => {
  it("--json reports the backend, SIMD, versions, kernel fixes and matmul GFLOP/s", async () => {
    const r = await run(["doctor", "--json"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.backend).toBe(expectedBackend);
    if (expectedBackend === "wasm") expect(report.simd).toBe(true);
    expect(report.threads).toBeGreaterThanOrEqual(1);
    expect(report.versions.node).toBe(process.versions.node);
    expect(report.versions.tfjs).toBe("4.22.0");
    expect(report.kernelFixes).toContain("wasm/BatchMatMul");
    expect(report.matmul.size).toBe(1024);
    expect(report.matmul.gflops).toBeGreaterThan(0);
    expect(report.matmul.gflopsTransposedB).toBeGreaterThan(0);
  });

  it("prints a readable report", async () => {
    const r = await run(["doctor"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^backend   ${expectedBackend}`));
    expect(r.stdout).toMatch(/\nmatmul    1024x1024: [\d.]+ GFLOP\/s, with b transposed: [\d.]+ GFLOP\/s\n/);
    expect(r.stdout).toContain("\nversions  tfjs 4.22.0,");
  });

  it("--model adds the memory plans of a search and of LoRA's preset at the given batch shape, with the workers and micro-batch a run would use", async () => {
    const model = new URL("../../../models/test-fixtures/tiny-bert-hf", import.meta.url).pathname;
    const r = await run(["doctor", "--model", model, "--batch-size", "4", "--max-length", "32", "--workers", "1", "--json"]);
    expect(r.code).toBe(0);
    const { memory } = JSON.parse(r.stdout);
    expect(Object.keys(memory)).toEqual(["search", "train lora"]);
    expect(memory.search).toMatchObject({ workers: 1, microBatchSize: 4, shardSize: 4, length: 32, weights: 4 * 25440, fits: true });
    expect(memory.search.activations).toBeGreaterThan(memory["train lora"].activations);
    const micro = JSON.parse((await run(["doctor", "--model", model, "--batch-size", "8", "--workers", "2", "--micro-batch-size", "3", "--json"])).stdout).memory;
    expect(micro.search).toMatchObject({ workers: 2, microBatchSize: 3, shardSize: 4 });
    const text = await run(["doctor", "--model", model, "--workers", "2"]);
    expect(text.stdout).toMatch(/^memory {4}search {5}2 workers, micro-batch 8: [\d.]+ MiB per worker at batch 8 x 64 .* for 2 workers; .* · fits$/m);
  });
});
