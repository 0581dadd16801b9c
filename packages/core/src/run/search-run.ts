// SearchRun: the `search` pipeline (docs/METHOD.md §5-§6): build the search space and budget, run the
// bi-level search, discretise the best alpha greedily under the budget, re-train the chosen modules
// from scratch with the shared protocol, score on test, and write structure.json, adapter/ and
// results.json. Each phase boundary is checkpointed, so `resume` continues wherever the run stopped.
import * as tf from "@tensorflow/tfjs";
import { inject, injectable } from "tsyringe";
import { EngineDepsToken, RunConfigToken } from "../di/tokens.js";
import { HookRunner } from "../hooks/hook-runner.js";
import { BiLevelSearch, type SearchCheckpointBody } from "../search/bi-level-search.js";
import { discretizeGreedy } from "../search/discretize-greedy.js";
import { moduleBudget as moduleBudgetOf, parseBudget } from "../search/parse-budget.js";
import { SearchSpace } from "../search/search-space.js";
import { Evaluator } from "../train/evaluator.js";
import { chosenModules } from "../train/resolve-structure.js";
import { Trainer, TRAIN_SEEDS, type TrainCheckpointBody } from "../train/trainer.js";
import { seedFor } from "../train/tuned-model.js";
import { writeAdapter } from "./adapter.js";
import type { EngineDeps } from "./engine-deps.js";
import { peakRssMB, recordRunStart } from "./record-run-start.js";
import type { ResolvedRunConfig, SearchConfig } from "./run-config.js";
import { RunControl } from "./run-control.js";
import { RunDir } from "./run-dir.js";
import type { RunResult } from "./run-handle.js";
import type { RunResults, SplitScores } from "./run-results.js";
import { RunSession } from "./run-session.js";

/** The search's result as kept in checkpoints once discretised. */
export interface SavedSearchOutcome {
  readonly alpha: readonly number[];
  readonly p: readonly number[];
  readonly shift: number;
  readonly soft: number;
  readonly supernet: SplitScores;
  /** Indices of the chosen candidates, in the order greedy took them. */
  readonly chosen: readonly number[];
  readonly steps: number;
}

export interface EngineCheckpointBody {
  readonly search?: SearchCheckpointBody;
  readonly searchOutcome?: SavedSearchOutcome;
  readonly train?: TrainCheckpointBody;
}

@injectable()
export class SearchRun {
  private readonly config: { readonly command: "search" } & SearchConfig;

  constructor(
    @inject(EngineDepsToken) private readonly deps: EngineDeps,
    @inject(RunConfigToken) config: ResolvedRunConfig,
    @inject(RunDir) private readonly runDir: RunDir,
    @inject(RunSession) private readonly session: RunSession,
    @inject(HookRunner) private readonly hooks: HookRunner,
    @inject(RunControl) private readonly control: RunControl,
    @inject(BiLevelSearch) private readonly search: BiLevelSearch,
    @inject(Trainer) private readonly trainer: Trainer,
    @inject(Evaluator) private readonly evaluator: Evaluator,
  ) {
    if (config.command !== "search") throw new Error("SearchRun needs a search configuration");
    this.config = config;
  }

  async run(resumed: boolean): Promise<RunResult> {
    const { config, deps } = this;
    const ckpt = resumed ? this.session.store.load<EngineCheckpointBody>() : null;
    if (ckpt) this.session.elapsedBefore = ckpt.state.elapsedMs;

    // The search space and budget need the backbone's sites and size.
    const backbone = deps.createBackbone({ trainable: false });
    let space: SearchSpace;
    let budget: ReturnType<typeof parseBudget>;
    let headParams: number;
    let moduleBudget: number;
    const backboneParams = backbone.paramCount();
    const description = backbone.description;
    try {
      space = SearchSpace.build(backbone.sites(), deps.methods, config);
      budget = parseBudget(config.budget!, backboneParams);
      headParams = countHeadParams(deps, config.seed);
      moduleBudget = moduleBudgetOf(budget, headParams, config.countHead);
      space.checkBudget(moduleBudget, backboneParams, config.countHead ? `budget minus the head (${headParams})` : "budget");
    } catch (error) {
      backbone.dispose();
      throw error;
    }
    await recordRunStart({
      config, deps, runDir: this.runDir, hooks: this.hooks, resumed,
      backbone: description, backboneParams, budget: budget.params,
      methods: deps.methods.map((m) => m.name), candidates: space.info(),
    });

    const finished = ckpt?.state.phase === "done" ? this.runDir.readResults() : null;
    if (finished) {
      backbone.dispose();
      return this.session.end("done", finished);
    }

    // 1. search (skipped when a checkpoint holds its outcome)
    let outcome = ckpt?.state.body.searchOutcome ?? null;
    if (outcome) {
      backbone.dispose();
    } else {
      const r = await this.search.run({
        backbone,
        space,
        budget: moduleBudget,
        fixedParams: config.countHead ? headParams : 0,
        resume: ckpt?.state.phase === "search" ? ckpt : null,
        checkpoint: (step, body, tensors) => this.session.checkpoint<EngineCheckpointBody>("search", "search", step, { search: body }, tensors),
      });
      if (r.status === "stopped") return this.session.end("stopped", null);

      // 2. discretise the best alpha (docs/METHOD.md §6)
      await this.hooks.publish({ type: "phase", time: Date.now(), phase: "discretize", totalSteps: 0 });
      const chosen = discretizeGreedy(space.counts(), r.p, moduleBudget);
      outcome = { alpha: r.alpha, p: r.p, shift: r.shift, soft: r.soft, supernet: r.supernet!, chosen, steps: r.steps };
      const structure = chosenModules(chosen.map((i) => space.candidates[i]!));
      const moduleParams = structure.reduce((s, m) => s + m.params, 0);
      this.runDir.writeStructure({
        structure,
        budget: budget.params,
        chosenParams: moduleParams + (config.countHead ? headParams : 0),
        headParams,
        countHead: config.countHead,
        backbone: description,
        backboneParams,
        softParams: r.soft + (config.countHead ? headParams : 0),
      });
      await this.hooks.publish({ type: "structure", time: Date.now(), structure, budget: budget.params, chosenParams: moduleParams + (config.countHead ? headParams : 0) });
      await this.session.checkpoint<EngineCheckpointBody>("retrain", "discretize", 0, { searchOutcome: outcome }, {});
      if (this.control.stopping) return this.session.end("stopped", null);
    }

    // 3. re-train the chosen structure from scratch
    const savedOutcome = outcome;
    const chosenCandidates = savedOutcome.chosen.map((i) => space.candidates[i]!);
    const structure = chosenModules(chosenCandidates);
    const trained = await this.trainer.run({
      phase: "retrain",
      candidates: chosenCandidates,
      full: false,
      resume: ckpt?.state.phase === "retrain" && ckpt.state.body.train ? ckpt : null,
      checkpoint: (step, body, tensors) =>
        this.session.checkpoint<EngineCheckpointBody>("retrain", "retrain", step, { searchOutcome: savedOutcome, train: body }, tensors),
      save: (model) =>
        writeAdapter(this.runDir.path, model, {
          backbone: description,
          backboneParams,
          task: deps.task.name,
          objective: { kind: deps.task.objective.kind, numLabels: deps.task.objective.numLabels, metric: deps.task.objective.metric },
          structure,
          fullFineTuning: false,
          headParams,
          headSeed: seedFor(config.seed, TRAIN_SEEDS.head),
        }),
    });
    if (trained.status === "stopped") return this.session.end("stopped", null);

    // 4. results
    const chosenParams = trained.trainedParams + (config.countHead ? trained.headParams : 0);
    const results: RunResults = {
      task: deps.task.name,
      metric: deps.task.objective.metric,
      budget: budget.params,
      backboneParams,
      chosenParams,
      structure,
      supernet: savedOutcome.supernet,
      retrained: trained.scores!,
      majorityBaseline: { test: this.evaluator.majorityBaseline() },
      seconds: Math.round(this.session.elapsedMs()) / 1000,
      peakRssMB: peakRssMB(),
      command: "search",
      structureSource: "search",
      headParams: trained.headParams,
      countHead: config.countHead,
      chosenRatio: chosenParams / backboneParams,
      softParams: savedOutcome.soft + (config.countHead ? headParams : 0),
      budgetSpec: budget.spec,
      seed: config.seed,
      backend: tf.getBackend(),
      steps: { search: savedOutcome.steps, retrain: trained.steps },
    };
    this.runDir.writeResults(results);
    await this.session.checkpoint<EngineCheckpointBody>("done", "test", trained.steps, { searchOutcome: savedOutcome }, {});
    return this.session.end("done", results);
  }
}

/** The task head's parameter count (a throwaway head built with the training seed). */
export function countHeadParams(deps: EngineDeps, seed: number): number {
  const head = deps.createHead(deps.task.objective.numLabels, { seed: seedFor(seed, TRAIN_SEEDS.head) });
  try {
    return Object.values(head.weights).reduce((s, v) => s + v.size, 0);
  } finally {
    head.dispose();
  }
}
