import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { mergeFlagValues, resolveRunInputs, resolveRunOptions } from "./resolve-run-options.js";

const cwd = mkdtempSync(join(tmpdir(), "s3pet-cli-"));
const ctx = { cwd, now: new Date("2026-11-26T21:05:01Z") };
const MODEL = "/models/m"; // resolveRunInputs does not read the model; prepareRun does

describe("resolveRunOptions", () => {
  it("applies the defaults: spam task, seed 42, 64 tokens, 2 epochs, budget 1%, lr 3e-3, a timestamped run directory", () => {
    const o = resolveRunOptions("search", { model: MODEL }, ctx);
    expect(o.task).toBe("spam");
    expect(o.taskOptions).toEqual({ seed: 42 });
    expect(o.maxLength).toBe(64);
    expect(o.methods).toBeNull();
    expect(o.outDir).toBe(join(cwd, "runs", "search-20261126-210501"));
    expect(o.engine).toEqual({ seed: 42, resume: false, trainEpochs: 2, searchEpochs: 2, budget: "1%", lr: 0.003, methodOptions: {} });
    expect(o.ui).toBeUndefined();
  });
  it("maps flags to task options and engine settings", () => {
    mkdirSync(join(cwd, "data/mine"), { recursive: true });
    const o = resolveRunOptions(
      "search",
      {
        model: MODEL,
        task: "data/mine",
        "text-field": "body",
        "task-kind": "regression",
        methods: "lora, bitfit",
        budget: "12000",
        seed: "7",
        epochs: "2",
        "retrain-epochs": "4",
        "batch-size": "8",
        "max-length": "64",
        "max-examples": "100",
        lr: "1e-3",
        include: ["attention.self.query"],
        "count-head": true,
        "shift-gradient": "detach-sum",
        "lora.rank": "4",
        ui: "json",
        json: true,
      },
      ctx,
    );
    expect(o.task).toBe(join(cwd, "data/mine"));
    expect(o.taskOptions).toEqual({ seed: 7, maxExamples: 100, textField: "body", kind: "regression" });
    expect(o.methods).toEqual(["lora", "bitfit"]);
    expect(o.maxLength).toBe(64);
    expect(o.engine).toEqual({
      seed: 7,
      resume: false,
      trainEpochs: 4,
      searchEpochs: 2,
      budget: "12000",
      batchSize: 8,
      lr: 0.001,
      include: ["attention.self.query"],
      countHead: true,
      shiftGradient: "detach-sum",
      methodOptions: { lora: { rank: "4" } },
    });
    expect([o.ui, o.json]).toEqual(["json", true]);
  });
  it("gives train the lora preset by default and no search-only settings", () => {
    const o = resolveRunOptions("train", { model: MODEL, "alpha-lr": "0.5" }, ctx);
    expect(o.structure).toBe("lora");
    expect(o.engine).not.toHaveProperty("searchEpochs");
    expect(o.engine).not.toHaveProperty("alphaLr");
    expect(o.engine).not.toHaveProperty("budget");
  });
  it("gives a random structure the default budget and full fine-tuning the paper's learning rate", () => {
    expect(resolveRunOptions("train", { model: MODEL, structure: "random" }, ctx).engine).toMatchObject({ budget: "1%", lr: 3e-3 });
    expect(resolveRunOptions("train", { model: MODEL, structure: "full" }, ctx).engine.lr).toBe(3e-4);
    expect(resolveRunOptions("train", { model: MODEL, structure: "full", lr: "1e-5" }, ctx).engine.lr).toBe(1e-5);
  });
  it("makes glue:<name>:<dir>, task and structure paths absolute, and keeps names as typed", () => {
    expect(resolveRunInputs({ model: MODEL, task: "spam" }, cwd).task).toBe("spam");
    expect(resolveRunInputs({ model: MODEL, task: "no/such/dir" }, cwd).task).toBe("no/such/dir");
    expect(resolveRunInputs({ model: MODEL, task: "glue:rte:glue/RTE" }, cwd).task).toBe(`glue:rte:${join(cwd, "glue/RTE")}`);
    expect(resolveRunOptions("train", { model: MODEL, structure: "runs/a/structure.json" }, ctx).structure).toBe(join(cwd, "runs/a/structure.json"));
    expect(resolveRunOptions("train", { model: MODEL, structure: "bitfit" }, ctx).structure).toBe("bitfit");
  });
  it("never reuses a run directory without --resume, and resumes only an existing one", () => {
    const taken = join(cwd, "taken");
    mkdirSync(taken, { recursive: true });
    writeFileSync(join(taken, "run.json"), "{}");
    expect(() => resolveRunOptions("search", { model: MODEL, out: "taken" }, ctx)).toThrow(
      "--out taken: already holds a run and is never overwritten; pass --resume to continue it, or choose another --out",
    );
    expect(resolveRunOptions("search", { model: MODEL, out: "taken", resume: true }, ctx)).toMatchObject({ outDir: taken, resume: true, engine: { resume: true } });
    expect(() => resolveRunOptions("search", { model: MODEL, resume: true }, ctx)).toThrow("--resume continues the run named by --out; pass --out <run dir>");
    expect(() => resolveRunOptions("search", { model: MODEL, out: "nothing-here", resume: true }, ctx)).toThrow(
      "--out nothing-here: no run to resume there (no such directory); drop --resume to start a new run",
    );
    mkdirSync(join(cwd, "runs", "train-20261126-210501"), { recursive: true });
    expect(resolveRunOptions("train", { model: MODEL }, ctx).outDir).toBe(join(cwd, "runs", "train-20261126-210501-2"));
  });
  it("rejects malformed numbers and choices in one line naming the flag", () => {
    expect(() => resolveRunOptions("search", { model: MODEL, "batch-size": "many" }, ctx)).toThrow("--batch-size must be an integer >= 1, got 'many'");
    expect(() => resolveRunOptions("search", { model: MODEL, epochs: "0" }, ctx)).toThrow("--epochs must be an integer >= 1, got '0'");
    expect(() => resolveRunOptions("search", { model: MODEL, lr: "-1" }, ctx)).toThrow("--lr must be a positive number, got '-1'");
    expect(() => resolveRunOptions("search", { model: MODEL, order: "third" }, ctx)).toThrow("--order must be one of first, second, got 'third'");
    expect(() => resolveRunOptions("search", { model: MODEL, ui: "bogus" }, ctx)).toThrow("--ui must be one of tui, plain, json, got 'bogus'");
    expect(() => resolveRunOptions("search", { model: MODEL, budget: "-5" }, ctx)).toThrow("--budget must be a positive number of parameters (12000) or a percentage (0.1%), got '-5'");
    expect(() => resolveRunOptions("search", { model: MODEL, methods: " , " }, ctx)).toThrow("--methods needs at least one name, e.g. --methods lora,adapter");
    expect(() => resolveRunOptions("search", { model: MODEL, "lora.lr": "0" }, ctx)).toThrow("--lora.lr must be a positive number, got '0' (e.g. --lora.lr 1e-2)");
    expect(() => resolveRunOptions("search", { model: MODEL, "method-lrs": "maybe" }, ctx)).toThrow("--method-lrs must be one of on, off, got 'maybe'");
  });
  it("--space s3pet-m selects the paper's methods and LoRA rank 1, under --methods and method flags", () => {
    const o = resolveRunOptions("search", { model: MODEL, space: "s3pet-m" }, ctx);
    expect(o.methods).toEqual(["lora", "adapter", "bitfit", "lnfit", "low-rank-adapter"]);
    expect(o.engine.methodOptions).toEqual({ lora: { rank: 1 } });
    expect(resolveRunOptions("search", { model: MODEL, space: "s3pet-m", "lora.rank": "1,2" }, ctx).engine.methodOptions).toEqual({ lora: { rank: "1,2" } });
    const noLora = resolveRunOptions("search", { model: MODEL, space: "s3pet-m", methods: "bitfit,lnfit" }, ctx);
    expect([noLora.methods, noLora.engine.methodOptions]).toEqual([["bitfit", "lnfit"], {}]);
    expect(() => resolveRunOptions("search", { model: MODEL, space: "s3pet-x" }, ctx)).toThrow("--space s3pet-x: unknown search space (known: s3pet-m)");
  });
  it("takes --<method>.lr as a learning rate, not a method option, and --method-lrs on|off", () => {
    const o = resolveRunOptions("train", { model: MODEL, "lora.lr": "1e-2", "lora.rank": "4", "method-lrs": "off" }, ctx);
    expect(o.engine).toMatchObject({ methodLr: { lora: 0.01 }, methodOptions: { lora: { rank: "4" } }, methodLrs: false });
  });
});

describe("mergeFlagValues", () => {
  it("lets later sources win, ignoring unset values and booleans left false", () => {
    expect(mergeFlagValues({ budget: "1%", seed: "1", resume: true }, null, { budget: "2%", seed: undefined, resume: false, include: [] })).toEqual({ budget: "2%", seed: "1", resume: true });
  });
});
