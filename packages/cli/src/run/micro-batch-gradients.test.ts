// Micro-batching inside a unit on the tiny BERT: a shard's gradients summed over micro-batches equal
// the whole shard's within float tolerance (search supernet with gates and alpha, and full
// fine-tuning), the same micro-batch size gives the same bits, and a run records the chosen size.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { candidateRef, drawGateNoise, microBatchGradients, Replica, SearchSpace, SeededRng, type PetMethod, type ReplicaSpec, type ShardGradients, type ShardRequest, type Site } from "@s3pet/core";
import { afterAll, describe, expect, it } from "vitest";
import type { CommandIo } from "../cli/command.js";
import { runCli } from "../cli/run-cli.js";
import { COMMANDS } from "../commands/index.js";
import { workerDeps } from "./prepare-run.js";

const TINY = new URL("../../../models/test-fixtures/tiny-bert-hf", import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), "s3pet-cli-micro-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Host copies of a shard's gradients (the tensors disposed). */
function host(g: ShardGradients<tf.Tensor>): { loss: number; tokens: number; grads: Record<string, Float32Array> } {
  const grads = Object.fromEntries(Object.entries(g.grads).map(([k, t]) => [k, t.dataSync() as Float32Array]));
  tf.dispose(Object.values(g.grads));
  return { loss: g.loss, tokens: g.tokens, grads };
}

async function compare(spec: (sites: readonly Site[], methods: readonly PetMethod[]) => ReplicaSpec, wrt: ShardRequest["wrt"]) {
  const deps = await workerDeps({ modelDir: TINY, task: "spam", taskOptions: { seed: 1, maxExamples: 24 }, methods: null, maxLength: 32 });
  const probe = deps.createBackbone({ trainable: false });
  const sites = probe.sites();
  probe.dispose();
  const replica = new Replica(deps, spec(sites, deps.methods));
  try {
    const C = replica.alpha?.size ?? 0;
    const rng = new SeededRng(7);
    const noise = C > 0 ? drawGateNoise(C, () => rng.next()) : null;
    // 11 examples of a 16-example batch: the micro-batches of 4 are 4, 4 and 3, with their own padding
    const req: ShardRequest = { examples: [3, 0, 7, 12, 5, 9, 1, 14, 2, 8, 11], batchSize: 16, noise, wrt, step: 1, pass: 0, where: "test" };
    const whole = host(microBatchGradients(replica, req, Infinity));
    const micro = host(microBatchGradients(replica, req, 4));
    const again = host(microBatchGradients(replica, req, 4));
    return { whole, micro, again };
  } finally {
    replica.dispose();
  }
}

function expectClose(a: Record<string, Float32Array>, b: Record<string, Float32Array>): void {
  expect(Object.keys(b).sort()).toEqual(Object.keys(a).sort());
  let scale = 0;
  let diff = 0;
  for (const [k, x] of Object.entries(a)) {
    const y = b[k]!;
    for (let i = 0; i < x.length; i++) {
      scale = Math.max(scale, Math.abs(x[i]!));
      diff = Math.max(diff, Math.abs(x[i]! - y[i]!));
    }
  }
  expect(scale).toBeGreaterThan(0); // the gradients are not trivially zero
  expect(diff / scale).toBeLessThan(1e-4);
}

describe("micro-batches inside a unit", () => {
  it("sum to the whole shard's gradients within float tolerance (search supernet: modules, head and alpha), bit-identical for the same size", { timeout: 120_000 }, async () => {
    const { whole, micro, again } = await compare(
      (sites, methods) => ({
        seed: 3,
        seedLabels: { head: "test:head", init: "test:init" },
        candidates: SearchSpace.build(sites, methods).candidates.map(candidateRef),
        full: false,
        gates: { budget: 2000, temperature: 1, shiftGradient: "implicit", hardGates: false },
      }),
      "all",
    );
    expect(Object.keys(whole.grads)).toContain("alpha");
    expect(micro.tokens).toBe(whole.tokens);
    expect(micro.loss).toBeCloseTo(whole.loss, 5);
    expectClose(whole.grads, micro.grads);
    expect(again).toEqual(micro);
  });

  it("sum to the whole shard's gradients in full fine-tuning (every backbone weight)", { timeout: 120_000 }, async () => {
    const { whole, micro, again } = await compare(() => ({ seed: 3, seedLabels: { head: "test:head", init: "test:init" }, candidates: [], full: true, gates: null }), "weights");
    expect(micro.loss).toBeCloseTo(whole.loss, 5);
    expectClose(whole.grads, micro.grads);
    expect(again).toEqual(micro);
  });

  it("a run records the micro-batch it used in run.json and the run-start event", { timeout: 120_000 }, async () => {
    const out = join(dir, "train");
    let stderr = "";
    const io: CommandIo = { stdout: { write: () => true }, stderr: { write: (s: string) => (stderr += s) }, env: {}, cwd: "/" };
    const code = await runCli(["train", "--model", TINY, "--structure", "lora", "--max-examples", "24", "--batch-size", "8", "--micro-batch-size", "3", "--workers", "1", "--max-length", "32", "--max-steps", "2", "--ui", "json", "--out", out], io, COMMANDS);
    expect(code, stderr).toBe(0);
    const run = JSON.parse(readFileSync(join(out, "run.json"), "utf8")) as { workers: number; microBatchSize: number; config: { microBatchSize: unknown } };
    expect(run).toMatchObject({ workers: 1, microBatchSize: 3, config: { microBatchSize: 3 } });
    const start = JSON.parse(readFileSync(join(out, "events.jsonl"), "utf8").split("\n")[0]!) as { type: string; run: { workers: number; microBatchSize: number } };
    expect(start.type).toBe("run-start");
    expect(start.run).toMatchObject({ workers: 1, microBatchSize: 3 });
  });
});
