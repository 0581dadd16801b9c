// Data-parallel training over worker threads on the planted task: a worker count (and micro-batch
// size) gives a deterministic run, 2 units agree with 1 and micro-batches with whole shards within
// float tolerance, and a failing worker fails the run
// with a clear error instead of hanging. The workers run core's built dist (build core first).
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { S3petInputError } from "../errors/s3pet-error.js";
import type { EngineDeps } from "../run/engine-deps.js";
import type { SearchConfig } from "../run/run-config.js";
import type { RunResults } from "../run/run-results.js";
import { runSearch } from "../run/run-search.js";
import { runTrain } from "../run/run-train.js";
import { linearHead, plantedTask, PLANTED_KEY, SyntheticBackbone, tbias, tgain, type PlantedFault } from "../run/testing/planted-task.js";
import { shardRanges } from "./data-parallel.js";

const RECIPE_MODULE = pathToFileURL(join(import.meta.dirname, "../../dist/run/testing/planted-task.js")).href;

const FAST: Partial<SearchConfig> = { budget: 4, seed: 1, batchSize: 8, lr: 0.05, alphaLr: 0.1, searchEpochs: 3, trainEpochs: 2, gatesEvery: 1 };

function deps(fault: PlantedFault = null): EngineDeps {
  return {
    createBackbone: (o) => new SyntheticBackbone(o),
    createHead: linearHead,
    task: plantedTask(),
    methods: [tbias, tgain],
    outDir: join(mkdtempSync(join(tmpdir(), "s3pet-dp-")), "run"),
    workerRecipe: { module: RECIPE_MODULE, export: "plantedWorkerDeps", args: { methods: ["tbias", "tgain"], fault } },
  };
}

/** The search's outcome as the run directory records it: structure, alpha and every score. */
async function searchWith(workers: number, microBatchSize: number | "auto" = "auto"): Promise<{ results: RunResults; alpha: number[] }> {
  const d = deps();
  const { result } = runSearch({ ...FAST, workers, microBatchSize }, d);
  const r = await result;
  const state = JSON.parse(readFileSync(join(d.outDir, "checkpoints", "state.json"), "utf8")) as { body: { searchOutcome: { alpha: number[] } } };
  return { results: r.results!, alpha: state.body.searchOutcome.alpha };
}

describe("DataParallel", () => {
  it("cuts a batch into contiguous shards in unit order, empty ones last", () => {
    expect(shardRanges(8, 2)).toEqual([[0, 4], [4, 8]]);
    expect(shardRanges(5, 3)).toEqual([[0, 2], [2, 4], [4, 5]]);
    expect(shardRanges(1, 3)).toEqual([[0, 1], [1, 1], [1, 1]]);
  });

  it("a 2-worker search is deterministic and agrees with the in-process one within float tolerance; so do micro-batches", { timeout: 180_000 }, async () => {
    const a = await searchWith(2);
    const b = await searchWith(2);
    const one = await searchWith(1);
    const micro = await searchWith(2, 3); // each unit's 4-example shard as micro-batches of 3 and 1
    const microAgain = await searchWith(2, 3);
    // The same worker count: bit-identical structure, alpha and scores.
    expect(b.results.structure).toEqual(a.results.structure);
    expect(b.alpha).toEqual(a.alpha);
    expect(b.results.supernet).toEqual(a.results.supernet);
    expect(b.results.retrained).toEqual(a.results.retrained);
    // 1 vs 2 units: the same structure, alpha and scores up to float rounding of the summed shards.
    expect(a.results.structure.map((m) => `${m.site}#${m.method}`)).toEqual([PLANTED_KEY]);
    expect(one.results.structure).toEqual(a.results.structure);
    a.alpha.forEach((x, i) => expect(x).toBeCloseTo(one.alpha[i]!, 4));
    expect(a.results.retrained.test).toBeCloseTo(one.results.retrained.test, 4);
    expect(a.results.supernet!.validation).toBeCloseTo(one.results.supernet!.validation, 4);
    // A micro-batch size: bit-identical again, and the whole-shard run's result within float tolerance.
    expect(microAgain.alpha).toEqual(micro.alpha);
    expect(microAgain.results.retrained).toEqual(micro.results.retrained);
    expect(micro.results.structure).toEqual(a.results.structure);
    micro.alpha.forEach((x, i) => expect(x).toBeCloseTo(a.alpha[i]!, 4));
    expect(micro.results.retrained.test).toBeCloseTo(a.results.retrained.test, 4);
  });

  it("fails the run with the worker's error when a worker throws, and when a worker thread exits", { timeout: 60_000 }, async () => {
    const thrown = runTrain({ ...FAST, workers: 2, structure: { kind: "preset", name: "tbias-all" } }, deps("throw"));
    await expect(thrown.result).rejects.toThrow(/data-parallel worker 1: Error: planted failure in a worker's forward/);
    const exited = runSearch({ ...FAST, workers: 2 }, deps("exit"));
    await expect(exited.result).rejects.toThrow(/data-parallel worker 1 exited \(code 3\)/);
  });

  it("refuses more than one worker when the caller gives no worker recipe, before the run starts", () => {
    const { workerRecipe: _, ...noRecipe } = deps();
    expect(() => runSearch({ ...FAST, workers: 2 }, noRecipe)).toThrow(S3petInputError);
    expect(() => runSearch({ ...FAST, workers: 2 }, noRecipe)).toThrow(/no worker recipe.*--workers 1/);
  });
});
