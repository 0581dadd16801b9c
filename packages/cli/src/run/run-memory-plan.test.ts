import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { HEAP_SLACK, SearchSpace, resolveStructure } from "@s3pet/core";
import { findAssetDir } from "@s3pet/data";
import { loadPretrained } from "@s3pet/models";
import { afterAll, describe, expect, it } from "vitest";
import type { CommandIo } from "../cli/command.js";
import { runCli } from "../cli/run-cli.js";
import { COMMANDS } from "../commands/index.js";
import { selectMethods } from "./prepare-run.js";
import { plannedUnits, runMemoryPlan, unitsFit } from "./run-memory-plan.js";

const EMBEDDED = findAssetDir("backbone")!;
const TINY = new URL("../../../models/test-fixtures/tiny-bert-hf", import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), "s3pet-cli-memory-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(argv: string[]) {
  let stdout = "";
  let stderr = "";
  const io: CommandIo = { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) }, env: {}, cwd: "/" };
  return { code: await runCli(argv, io, COMMANDS), stdout, stderr };
}

/**
 * Runs `f` and returns the most bytes the backend had allocated at once above what it held before:
 * each buffer once, however many tensors share it (tfjs's numBytes counts a shared buffer per tensor).
 */
async function peakAllocatedBytes(f: () => Promise<unknown>): Promise<number> {
  const backend = tf.engine().backend as unknown as { move?: (...args: unknown[]) => void; disposeData?: (id: object, force?: boolean) => boolean };
  const [move, disposeData] = [backend.move!, backend.disposeData!];
  const sizes = new Map<object, number>();
  let bytes = 0;
  let peak = 0;
  backend.move = function (...args: unknown[]) {
    const size = 4 * (args[2] as number[]).reduce((a, b) => a * b, 1);
    sizes.set(args[0] as object, size);
    bytes += size;
    peak = Math.max(peak, bytes);
    return move.apply(backend, args);
  };
  backend.disposeData = function (id: object, force?: boolean) {
    const freed = disposeData.call(backend, id, force);
    if (freed && sizes.has(id)) {
      bytes -= sizes.get(id)!;
      sizes.delete(id);
    }
    return freed;
  };
  try {
    await f();
  } finally {
    delete backend.move; // back to the backend's own methods
    delete backend.disposeData;
  }
  return peak;
}

async function plannedBackbone(modelDir: string) {
  const { model } = loadPretrained(modelDir);
  const planned = { params: model.paramCount(), hiddenSize: model.hiddenSize, sites: model.sites(), memory: model.memoryProfile() };
  model.dispose();
  return planned;
}

describe("the memory plan", () => {
  it("estimates the peak of a LoRA run on the embedded backbone (steps and evaluation) within 25%", async () => {
    const out = join(dir, "lora");
    const measured = await peakAllocatedBytes(async () => {
      const r = await run(["train", "--structure", "lora", "--max-examples", "32", "--batch-size", "16", "--max-length", "128", "--max-steps", "2", "--workers", "1", "--ui", "json", "--out", out]); // one unit: the plan is of one heap at the whole batch
      expect(r.code).toBe(0);
    });
    const { methods } = await selectMethods(null);
    const backbone = await plannedBackbone(EMBEDDED);
    const lora = resolveStructure({ kind: "preset", name: "lora" }, backbone.sites, methods, { seed: 0, include: [], exclude: [], methodOptions: {} }, null);
    const plan = runMemoryPlan(backbone, "wasm", { candidates: lora.candidates, gated: false, full: false, batchSize: 16, length: 128, numLabels: 2 })!;
    const estimated = plan.perWorker / HEAP_SLACK; // the allocated bytes, without the heap's slack
    expect(Math.abs(estimated / measured - 1)).toBeLessThan(0.25);
  }, 300_000);

  it("plans the search's supernet above LoRA's structure, and a larger batch above a smaller", async () => {
    const { methods } = await selectMethods(null);
    const backbone = await plannedBackbone(TINY);
    const shape = { gated: true, full: false, batchSize: 16, length: 64, numLabels: 2 };
    const search = runMemoryPlan(backbone, "wasm", { ...shape, candidates: SearchSpace.build(backbone.sites, methods).candidates })!;
    const half = runMemoryPlan(backbone, "wasm", { ...shape, batchSize: 8, candidates: SearchSpace.build(backbone.sites, methods).candidates })!;
    expect(search.activations).toBeGreaterThan(1.9 * half.activations);
    expect(search.weights).toBe(4 * backbone.params);
  });

  it("plans each worker at its micro-batch of its shard, and picks the largest micro-batch that fits", async () => {
    const { methods } = await selectMethods(null);
    const backbone = await plannedBackbone(TINY);
    const shape = { gated: true, full: false, batchSize: 15, length: 64, numLabels: 2, candidates: SearchSpace.build(backbone.sites, methods).candidates };
    const one = runMemoryPlan(backbone, "wasm", shape)!;
    const two = runMemoryPlan(backbone, "wasm", shape, { workers: 2, microBatchSize: 8 })!;
    expect(two.input).toMatchObject({ batchSize: 8, shardSize: 8, workers: 2 });
    expect(two.activations).toBeLessThan(one.activations);
    expect(two.total).toBe(2 * two.perWorker);
    expect(unitsFit(backbone, "wasm", shape)(2, 8)).toBe(true);
    expect(plannedUnits(backbone, "wasm", shape, { workers: 2, microBatchSize: "auto" })).toEqual({ workers: 2, microBatchSize: 8 });
    // a batch no unit can hold at once runs in the largest micro-batches that fit
    const huge = { ...shape, batchSize: 400_000 };
    expect(unitsFit(backbone, "wasm", huge)(2, 200_000)).toBe(false);
    const units = plannedUnits(backbone, "wasm", huge, { workers: 2, microBatchSize: "auto" });
    expect(units.microBatchSize).toBeLessThan(200_000);
    expect(runMemoryPlan(backbone, "wasm", huge, units)!.fits).toBe(true);
    expect(runMemoryPlan(backbone, "wasm", huge, { ...units, microBatchSize: units.microBatchSize + 1 })!.fits).toBe(false);
  });

  it("refuses a run that would not fit before it starts: one line with what it needs, what there is and what to change, exit 2, no run directory", async () => {
    const out = join(dir, "too-big");
    const r = await run(["search", "--model", TINY, "--max-examples", "8", "--batch-size", "200000", "--micro-batch-size", "200000", "--workers", "1", "--max-length", "64", "--out", out, "--ui", "plain"]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/^s3pet search: this search needs about [\d.]+ GiB per worker but a worker has 3\.94 GiB .*at batch 200000 x 64\); use --micro-batch-size \d+, or a smaller --max-length \(now 64\), or fewer candidates .*tensorflow backend/);
    expect(existsSync(out)).toBe(false);
  });
});
