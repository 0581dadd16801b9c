import { describe, expect, it } from "vitest";
import { assertPlanFits, largestMicroBatchThatFits, maxWorkersThatFit, MemoryPlanError, planMemory, WASM_HEAP_LIMIT, type MemoryPlanInput } from "./memory-plan.js";
import { asOutOfMemory, OutOfMemoryError } from "./out-of-memory.js";

const GiB = 2 ** 30;
// bert-base's profile (bertMemoryProfile: I + 9 H, 3 h per position, 26 H + 7 I, 5 h)
const bertBase: MemoryPlanInput = {
  backbone: { weightBytes: 4 * 109_482_240, numLayers: 12, keptPerToken: 3072 + 9 * 768, keptPerTokenPosition: 36, workPerToken: 26 * 768 + 7 * 3072, workPerTokenPosition: 60 },
  batchSize: 16,
  shardSize: 16,
  length: 128,
  moduleKeptPerToken: 24 * 16,
  moduleWorkPerToken: 32,
  trainedParams: 300_000,
  trainedLayers: 12,
  workers: 1,
  workerLimitBytes: WASM_HEAP_LIMIT,
  machineBytes: 16 * GiB,
};

describe("planMemory", () => {
  it("adds weights, kept activations of the trained layers, one layer's workspace (with its modules') and four floats per trained parameter", () => {
    const plan = planMemory(bertBase);
    const tokens = 16 * 128;
    expect(plan.weights).toBe(4 * 109_482_240);
    expect(plan.activations).toBe(4 * tokens * ((3072 + 9 * 768 + 36 * 128) * 12 + 24 * 16));
    expect(plan.workspace).toBe(4 * tokens * (26 * 768 + 7 * 3072 + 60 * 128 + 32));
    expect(plan.optimiser).toBe(16 * 300_000);
    expect(plan.perWorker).toBe(Math.ceil(1.15 * (plan.weights + plan.activations + plan.workspace + plan.optimiser)));
    expect(plan.fits).toBe(true);
  });

  it("keeps nothing for layers below the lowest module, and scales the rest with the batch", () => {
    expect(planMemory({ ...bertBase, trainedLayers: 6 }).activations).toBeLessThan(0.51 * planMemory(bertBase).activations);
    expect(planMemory({ ...bertBase, batchSize: 32 }).activations).toBe(2 * planMemory(bertBase).activations);
  });

  it("keeps one more gradient copy when a shard runs in micro-batches", () => {
    const whole = planMemory(bertBase);
    const micro = planMemory({ ...bertBase, batchSize: 4 });
    expect(micro.activations).toBe(whole.activations / 4);
    expect(micro.optimiser).toBe(20 * 300_000);
  });

  it("suggests the largest micro-batch that fits when one was given, and refuses in one line with what it needs, what there is and what to change", () => {
    const big = planMemory({ ...bertBase, batchSize: 64, shardSize: 64 });
    expect(big.fits).toBe(false);
    const m = largestMicroBatchThatFits(big);
    expect(m).toBeGreaterThan(0);
    expect(planMemory({ ...bertBase, batchSize: m, shardSize: 64 }).fits).toBe(true);
    expect(planMemory({ ...bertBase, batchSize: m + 1, shardSize: 64 }).fits).toBe(false);
    expect(() => assertPlanFits(big, "this run", true)).toThrow(MemoryPlanError);
    expect(() => assertPlanFits(big, "this run", true)).toThrow(new RegExp(`^this run needs about [\\d.]+ GiB per worker but a worker has 3.94 GiB .*use --micro-batch-size ${m}, or a smaller --max-length \\(now 128\\)`));
    expect(() => assertPlanFits(planMemory(bertBase), "this run", false)).not.toThrow();
  });

  it("with an automatic micro-batch, refuses only when one example at a time does not fit, naming the other fixes", () => {
    const hopeless = planMemory({ ...bertBase, batchSize: 1, length: 512, moduleKeptPerToken: 2_000_000 });
    expect(hopeless.fitsWorker).toBe(false);
    let message = "";
    try {
      assertPlanFits(hopeless, "this search", false);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^this search needs about [\d.]+ GiB per worker even at one example at a time but a worker has 3\.94 GiB .*use a smaller --max-length \(now 512\), or fewer candidates/);
    expect(message).not.toContain("--micro-batch-size");
  });

  it("caps workers by the machine's memory, at least one, and refuses more than it holds with the count that fits", () => {
    const plan = planMemory(bertBase);
    expect(maxWorkersThatFit(plan)).toBe(Math.floor((16 * GiB) / plan.perWorker));
    expect(maxWorkersThatFit(planMemory({ ...bertBase, machineBytes: 1 }))).toBe(1);
    const many = planMemory({ ...bertBase, workers: 8 });
    expect(many.fitsWorker).toBe(true);
    expect(many.fits).toBe(false);
    expect(() => assertPlanFits(many, "this run", false)).toThrow(new RegExp(`^this run needs about [\\d.]+ GiB for 8 workers .* but this machine has 16.00 GiB; use --workers ${maxWorkersThatFit(plan)}$`));
  });
});

describe("asOutOfMemory", () => {
  it("turns a wasm abort into one line that says what happened and what to change", () => {
    // The error emscripten throws; core's compiler settings carry no WebAssembly typings, so it is reached untyped.
    const { RuntimeError } = (globalThis as unknown as { WebAssembly: { RuntimeError: ErrorConstructor } }).WebAssembly;
    const error = asOutOfMemory(new RuntimeError("Aborted(). Build with -sASSERTIONS for more info."));
    expect(error).toBeInstanceOf(OutOfMemoryError);
    expect((error as Error).message).toMatch(/^the backend ran out of memory \(Aborted\(\): the wasm heap holds at most 4 GiB per worker\); use a smaller --micro-batch-size/);
    expect((error as Error).message).not.toContain("\n");
  });

  it("also turns the trap of a failed allocation inside the module into that line", () => {
    const { RuntimeError } = (globalThis as unknown as { WebAssembly: { RuntimeError: ErrorConstructor } }).WebAssembly;
    const error = asOutOfMemory(new RuntimeError("memory access out of bounds"));
    expect(error).toBeInstanceOf(OutOfMemoryError);
    expect((error as Error).message).toMatch(/^the backend ran out of memory \(memory access out of bounds: the wasm heap holds at most 4 GiB per worker\)/);
  });

  it("leaves other errors alone", () => {
    const other = new Error("something else");
    expect(asOutOfMemory(other)).toBe(other);
  });
});
