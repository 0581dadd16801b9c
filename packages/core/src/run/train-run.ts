// TrainRun: the `train` pipeline — a fixed structure (structure.json modules, a method's preset,
// random under the budget, or full fine-tuning) trained by the same Trainer, protocol and seeds as
// the search's re-training, then scored on test, with structure.json, adapter/ and results.json.
import * as tf from "@tensorflow/tfjs";
import { inject, injectable } from "tsyringe";
import { EngineDepsToken, RunConfigToken } from "../di/tokens.js";
import { HookRunner } from "../hooks/hook-runner.js";
import { moduleBudget, parseBudget, type Budget } from "../search/parse-budget.js";
import { candidateInfo } from "../search/search-space.js";
import { Evaluator } from "../train/evaluator.js";
import { chosenModules, resolveStructure } from "../train/resolve-structure.js";
import { Trainer, TRAIN_SEEDS } from "../train/trainer.js";
import { seedFor } from "../train/tuned-model.js";
import { writeAdapter } from "./adapter.js";
import type { EngineDeps } from "./engine-deps.js";
import { peakRssMB, recordRunStart } from "./record-run-start.js";
import type { ResolvedRunConfig, TrainConfig } from "./run-config.js";
import { RunDir } from "./run-dir.js";
import type { RunResult } from "./run-handle.js";
import type { RunResults } from "./run-results.js";
import { RunSession } from "./run-session.js";
import { countHeadParams, type EngineCheckpointBody } from "./search-run.js";

@injectable()
export class TrainRun {
  private readonly config: { readonly command: "train" } & TrainConfig;

  constructor(
    @inject(EngineDepsToken) private readonly deps: EngineDeps,
    @inject(RunConfigToken) config: ResolvedRunConfig,
    @inject(RunDir) private readonly runDir: RunDir,
    @inject(RunSession) private readonly session: RunSession,
    @inject(HookRunner) private readonly hooks: HookRunner,
    @inject(Trainer) private readonly trainer: Trainer,
    @inject(Evaluator) private readonly evaluator: Evaluator,
  ) {
    if (config.command !== "train") throw new Error("TrainRun needs a train configuration");
    this.config = config;
  }

  async run(resumed: boolean): Promise<RunResult> {
    const { config, deps } = this;
    const ckpt = resumed ? this.session.store.load<EngineCheckpointBody>() : null;
    if (ckpt) this.session.elapsedBefore = ckpt.state.elapsedMs;

    const backbone = deps.createBackbone({ trainable: false });
    const backboneParams = backbone.paramCount();
    const description = backbone.description;
    let budget: Budget | null;
    let headParams: number;
    let resolved: ReturnType<typeof resolveStructure>;
    try {
      budget = config.budget === null ? null : parseBudget(config.budget, backboneParams);
      headParams = countHeadParams(deps, config.seed);
      const modules = budget === null ? null : moduleBudget(budget, headParams, config.countHead);
      resolved = resolveStructure(config.structure, backbone.sites(), deps.methods, config, modules);
    } finally {
      backbone.dispose();
    }
    const structure = chosenModules(resolved.candidates);
    await recordRunStart({
      config, deps, runDir: this.runDir, hooks: this.hooks, resumed,
      backbone: description, backboneParams, budget: resolved.full ? null : (budget?.params ?? null),
      methods: [...new Set(resolved.candidates.map((c) => c.method.name))],
      candidates: resolved.candidates.map(candidateInfo),
    });
    const finished = ckpt?.state.phase === "done" ? this.runDir.readResults() : null;
    if (finished) return this.session.end("done", finished);

    const moduleParams = structure.reduce((s, m) => s + m.params, 0);
    if (!resumed || !ckpt) {
      this.runDir.writeStructure({
        structure,
        budget: budget?.params ?? null,
        chosenParams: resolved.full ? backboneParams : moduleParams + (config.countHead ? headParams : 0),
        headParams,
        countHead: config.countHead,
        backbone: description,
        backboneParams,
      });
    }
    const trained = await this.trainer.run({
      phase: "train",
      candidates: resolved.candidates,
      full: resolved.full,
      resume: ckpt?.state.phase === "train" && ckpt.state.body.train ? ckpt : null,
      init: config.structure.kind === "modules" ? (config.structure.init ?? null) : null,
      checkpoint: (step, body, tensors) => this.session.checkpoint<EngineCheckpointBody>("train", "train", step, { train: body }, tensors),
      save: (model) =>
        writeAdapter(this.runDir.path, model, {
          backbone: description,
          backboneParams,
          task: deps.task.name,
          objective: { kind: deps.task.objective.kind, numLabels: deps.task.objective.numLabels, metric: deps.task.objective.metric },
          structure,
          fullFineTuning: resolved.full,
          headParams,
          headSeed: seedFor(config.seed, TRAIN_SEEDS.head),
        }),
    });
    if (trained.status === "stopped") return this.session.end("stopped", null);

    const chosenParams = trained.trainedParams + (config.countHead ? trained.headParams : 0);
    const results: RunResults = {
      task: deps.task.name,
      metric: deps.task.objective.metric,
      budget: resolved.full ? null : (budget?.params ?? null),
      backboneParams,
      chosenParams,
      structure,
      retrained: trained.scores!,
      majorityBaseline: { test: this.evaluator.majorityBaseline() },
      seconds: Math.round(this.session.elapsedMs()) / 1000,
      peakRssMB: peakRssMB(),
      command: "train",
      structureSource: resolved.source,
      headParams: trained.headParams,
      countHead: config.countHead,
      chosenRatio: chosenParams / backboneParams,
      budgetSpec: budget?.spec ?? null,
      seed: config.seed,
      backend: tf.getBackend(),
      steps: { train: trained.steps },
    };
    this.runDir.writeResults(results);
    await this.session.checkpoint<EngineCheckpointBody>("done", "test", trained.steps, {}, {});
    return this.session.end("done", results);
  }
}
