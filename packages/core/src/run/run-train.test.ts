import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PluginError, S3petInputError } from "../errors/s3pet-error.js";
import type { S3petEvent } from "../events/events.js";
import type { EngineDeps } from "./engine-deps.js";
import { evaluateRun } from "./evaluate-run.js";
import type { TrainConfig } from "./run-config.js";
import type { StructureFile } from "./run-results.js";
import { runSearch } from "./run-search.js";
import { runTrain } from "./run-train.js";
import { linearHead, plantedTask, PLANTED_KEY, SyntheticBackbone, tbias, tgain, tlow } from "./testing/planted-task.js";

const PROTOCOL = { seed: 1, batchSize: 8, lr: 0.05, trainEpochs: 4 };

function freshDir(): string {
  return join(mkdtempSync(join(tmpdir(), "s3pet-train-")), "run");
}

function deps(outDir: string, extra: Partial<EngineDeps> = {}): EngineDeps {
  return { createBackbone: (o) => new SyntheticBackbone(o), createHead: linearHead, task: plantedTask(), methods: [tbias, tgain, tlow], outDir, ...extra };
}

async function train(config: Partial<TrainConfig> & Pick<TrainConfig, "structure">, d: EngineDeps) {
  const handle = runTrain(config, d);
  const events: S3petEvent[] = [];
  handle.events$.subscribe((e) => events.push(e));
  return { result: await handle.result, events };
}

describe("runTrain", () => {
  it("re-trains a search's structure.json to the search's own re-training scores (same protocol and seeds)", async () => {
    const searchDir = freshDir();
    const searched = await runSearch({ ...PROTOCOL, budget: 4, alphaLr: 0.1, searchEpochs: 6 }, deps(searchDir, { methods: [tbias, tgain] })).result;
    const file = JSON.parse(readFileSync(join(searchDir, "structure.json"), "utf8")) as StructureFile;
    const { result, events } = await train({ ...PROTOCOL, structure: { kind: "modules", modules: file.structure } }, deps(freshDir()));
    expect(result.results!.retrained).toEqual(searched.results!.retrained);
    expect(result.results!.structure.map((m) => `${m.site}#${m.method}`)).toEqual([PLANTED_KEY]);
    expect(result.results).toMatchObject({ command: "train", structureSource: "file", chosenParams: 4, headParams: 10 });
    expect(result.results!.supernet).toBeUndefined();
    expect(events.filter((e) => e.type === "phase").map((e) => (e as { phase: string }).phase)).toEqual(["train", "test"]);
  });

  it("runs the layers below the lowest module once per example: the same scores and modules as recomputing them", async () => {
    const modules = [
      { site: "encoder.layer.1.dense", method: "tbias", options: {}, params: 4 },
      { site: "encoder.layer.2.LayerNorm", method: "tgain", options: {}, params: 4 },
    ];
    const config = { ...PROTOCOL, structure: { kind: "modules" as const, modules } };
    const recomputing = deps(freshDir(), {
      // the same backbone without hiddenAt: every step runs the embedding and layer 0 again
      createBackbone: (o) => Object.assign(Object.create(new SyntheticBackbone(o)) as SyntheticBackbone, { hiddenAt: undefined }),
    });
    let prefixRuns = 0;
    const counting = deps(freshDir(), {
      createBackbone: (o) => {
        const b = new SyntheticBackbone(o);
        const hiddenAt = b.hiddenAt.bind(b);
        b.hiddenAt = (batch, layers) => (prefixRuns++, expect(layers).toBe(1), hiddenAt(batch, layers));
        return b;
      },
    });
    const [skipped, full] = [await train(config, counting), await train(config, recomputing)];
    const steps = skipped.events.filter((e) => e.type === "step").length;
    expect(prefixRuns).toBe(steps / PROTOCOL.trainEpochs); // the first epoch only: later ones read the kept outputs
    expect(skipped.result.results!.retrained).toEqual(full.result.results!.retrained);
    const losses = (events: S3petEvent[]) => events.flatMap((e) => (e.type === "step" ? [e.loss] : []));
    expect(losses(skipped.events)).toEqual(losses(full.events));
  });

  it("trains a method's manual preset on its sites", async () => {
    const { result } = await train({ ...PROTOCOL, trainEpochs: 1, structure: { kind: "preset", name: "tbias-all" } }, deps(freshDir()));
    expect(result.results!.structure.map((m) => m.site)).toEqual(["encoder.layer.0.dense", "encoder.layer.1.dense", "encoder.layer.2.dense"]);
    expect(result.results!.structureSource).toBe("preset:tbias-all");
    expect(result.results!.chosenParams).toBe(12);
    await expect(train({ ...PROTOCOL, structure: { kind: "preset", name: "lora" } }, deps(freshDir())).then((r) => r.result)).rejects.toThrow(
      "unknown structure preset 'lora' (available: tbias-all, tlow-dense0; or pass a structure.json, random or full)",
    );
  });

  it("samples a random structure that fits the budget, reproducibly for a seed", async () => {
    const a = await train({ ...PROTOCOL, trainEpochs: 1, budget: 20, structure: { kind: "random" } }, deps(freshDir()));
    const b = await train({ ...PROTOCOL, trainEpochs: 1, budget: 20, structure: { kind: "random" } }, deps(freshDir()));
    expect(a.result.results!.chosenParams).toBeLessThanOrEqual(20);
    expect(a.result.results!.chosenParams).toBeGreaterThan(20 - 4); // filled until no candidate (>= 4 params) fits
    expect(a.result.results!.structure).toEqual(b.result.results!.structure);
    expect(a.result.results!.budget).toBe(20);
  });

  it("fully fine-tunes the backbone (the 100% reference) and reloads it for evaluation", async () => {
    const out = freshDir();
    const { result } = await train({ ...PROTOCOL, trainEpochs: 2, structure: { kind: "full" } }, deps(out));
    expect(result.results).toMatchObject({ structureSource: "full", chosenParams: 108, budget: null, structure: [] });
    const again = await evaluateRun(out, deps(out));
    expect({ validation: again.validation, test: again.test }).toEqual(result.results!.retrained);
  });

  it("explains structures that do not fit the backbone or the installed methods", async () => {
    const run = (modules: { site: string; method: string; options: Record<string, unknown>; params: number }[]) =>
      train({ ...PROTOCOL, structure: { kind: "modules", modules, source: "s.json" } }, deps(freshDir())).then((r) => r.result);
    await expect(run([{ site: "encoder.layer.9.dense", method: "tbias", options: {}, params: 4 }])).rejects.toThrow(
      "s.json: module 0 names site 'encoder.layer.9.dense', which this backbone does not have (was the structure searched on another backbone?)",
    );
    await expect(run([{ site: "encoder.layer.0.dense", method: "lora", options: {}, params: 4 }])).rejects.toThrow(PluginError);
    await expect(run([{ site: "encoder.layer.0.dense", method: "lora", options: {}, params: 4 }])).rejects.toThrow(/install @s3pet\/plugin-lora/);
    await expect(run([{ site: "encoder.layer.0.dense", method: "tgain", options: {}, params: 4 }])).rejects.toThrow(/tgain attaches to norm sites, but 'encoder.layer.0.dense' is a linear site/);
    await expect(run([{ site: "encoder.layer.0.dense", method: "tlow", options: { rank: 2 }, params: 8 }])).rejects.toThrow(/records 8 parameters but tlow now counts 16/);
    await expect(run([{ site: "encoder.layer.0.dense", method: "tlow", options: { rank: -1 }, params: 8 }])).rejects.toThrow(S3petInputError);
  });
});
