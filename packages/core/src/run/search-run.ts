// SearchRun: the `search` pipeline (docs/METHOD.md §5-§6): build the search space and budget, run the
// bi-level search, discretise the best alpha greedily under the budget, re-train the chosen modules
// from scratch with the shared protocol, score on test, and write structure.json, adapter/ and
// results.json. Each phase boundary is checkpointed, so `resume` continues wherever the run stopped.
import type { Backbone } from "../backbone/backbone.js";
import { BiLevelSearch, type SearchCheckpointBody } from "../search/bi-level-search.js";
import { discretizeGreedy } from "../search/discretize-greedy.js";
import { moduleBudget as moduleBudgetOf, parseBudget, type Budget } from "../search/parse-budget.js";
import { SearchSpace } from "../search/search-space.js";
import { chosenModules } from "../train/resolve-structure.js";
import { Trainer, type TrainCheckpointBody, type TrainOutcome } from "../train/trainer.js";
import type { LoadedCheckpoint } from "./checkpoint-store.js";
import type { EngineContext } from "./engine-context.js";
import { adapterWriter, backboneFacts, buildResults, type BackboneFacts } from "./pipeline-parts.js";
import { recordRunStart } from "./record-run-start.js";
import type { SearchConfig } from "./run-config.js";
import type { RunResult } from "./run-handle.js";
import type { RunResults, SplitScores } from "./run-results.js";

export { countHeadParams } from "./pipeline-parts.js";

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

type Checkpoint = LoadedCheckpoint<EngineCheckpointBody> | null;

/** The space and budget of the run, from the backbone's sites and size. */
interface SearchPlan {
  readonly space: SearchSpace;
  readonly budget: Budget;
  /** The SGS target: the budget minus the head when it counts. */
  readonly moduleBudget: number;
  readonly facts: BackboneFacts;
}

export class SearchRun {
  constructor(
    private readonly ctx: EngineContext,
    private readonly config: SearchConfig,
  ) {}

  async run(resumed: boolean): Promise<RunResult> {
    const { session, runDir } = this.ctx;
    const ckpt = resumed ? session.store.load<EngineCheckpointBody>() : null;
    if (ckpt) session.elapsedBefore = ckpt.state.elapsedMs;
    // The search space and budget need the backbone's sites and size; the search phase then owns it.
    const backbone = this.ctx.deps.createBackbone({ trainable: false });
    let plan: SearchPlan;
    try {
      plan = this.plan(backbone);
      await this.recordStart(plan, resumed);
    } catch (error) {
      backbone.dispose();
      throw error;
    }
    const finished = ckpt?.state.phase === "done" ? runDir.readResults() : null;
    const outcome = finished ? null : (ckpt?.state.body.searchOutcome ?? null);
    if (finished || outcome) backbone.dispose();
    if (finished) return session.end("done", finished);

    const searched = outcome ?? (await this.searchAndDiscretize(plan, backbone, ckpt));
    if (searched === null) return session.end("stopped", null);
    const trained = await this.retrain(plan, searched, ckpt);
    if (trained === null) return session.end("stopped", null);
    return session.end("done", await this.finish(plan, searched, trained));
  }

  private plan(backbone: Backbone): SearchPlan {
    const { config, ctx } = this;
    const facts = backboneFacts(ctx, backbone.description, backbone.paramCount());
    const space = SearchSpace.build(backbone.sites(), ctx.deps.methods, config);
    const budget = parseBudget(config.budget!, facts.backboneParams);
    const moduleBudget = moduleBudgetOf(budget, facts.headParams, config.countHead);
    space.checkBudget(moduleBudget, facts.backboneParams, config.countHead ? `budget minus the head (${facts.headParams})` : "budget");
    return { space, budget, moduleBudget, facts };
  }

  private recordStart(plan: SearchPlan, resumed: boolean): Promise<unknown> {
    const { ctx } = this;
    return recordRunStart({
      config: ctx.config, deps: ctx.deps, runDir: ctx.runDir, hooks: ctx.hooks, resumed, units: ctx.units,
      backbone: plan.facts.description, backboneParams: plan.facts.backboneParams, budget: plan.budget.params,
      methods: ctx.deps.methods.map((m) => m.name), candidates: plan.space.info(),
    });
  }

  /** 1. the search, 2. discretisation of its best alpha (docs/METHOD.md §6); null when stopped. */
  private async searchAndDiscretize(plan: SearchPlan, backbone: Backbone, ckpt: Checkpoint): Promise<SavedSearchOutcome | null> {
    const { ctx } = this;
    const { facts } = plan;
    const r = await new BiLevelSearch(ctx, this.config).run({
      backbone,
      space: plan.space,
      budget: plan.moduleBudget,
      fixedParams: facts.headInBudget,
      resume: ckpt?.state.phase === "search" ? ckpt : null,
      checkpoint: (step, body, tensors) => ctx.session.checkpoint<EngineCheckpointBody>("search", "search", step, { search: body }, tensors),
    });
    if (r.status === "stopped") return null;

    await ctx.hooks.publish({ type: "phase", time: Date.now(), phase: "discretize", totalSteps: 0 });
    const chosen = discretizeGreedy(plan.space.counts(), r.p, plan.moduleBudget);
    const outcome: SavedSearchOutcome = { alpha: r.alpha, p: r.p, shift: r.shift, soft: r.soft, supernet: r.supernet!, chosen, steps: r.steps };
    const structure = chosenModules(chosen.map((i) => plan.space.candidates[i]!));
    const chosenParams = structure.reduce((s, m) => s + m.params, 0) + facts.headInBudget;
    ctx.runDir.writeStructure({
      structure,
      budget: plan.budget.params,
      chosenParams,
      headParams: facts.headParams,
      countHead: this.config.countHead,
      backbone: facts.description,
      backboneParams: facts.backboneParams,
      softParams: r.soft + facts.headInBudget,
    });
    await ctx.hooks.publish({ type: "structure", time: Date.now(), structure, budget: plan.budget.params, chosenParams });
    await ctx.session.checkpoint<EngineCheckpointBody>("retrain", "discretize", 0, { searchOutcome: outcome }, {});
    return ctx.control.stopping ? null : outcome;
  }

  /** 3. re-train the chosen structure from scratch; null when stopped. */
  private async retrain(plan: SearchPlan, outcome: SavedSearchOutcome, ckpt: Checkpoint): Promise<TrainOutcome | null> {
    const { ctx } = this;
    const candidates = outcome.chosen.map((i) => plan.space.candidates[i]!);
    const trained = await new Trainer(ctx).run({
      phase: "retrain",
      candidates,
      full: false,
      resume: ckpt?.state.phase === "retrain" && ckpt.state.body.train ? ckpt : null,
      checkpoint: (step, body, tensors) => ctx.session.checkpoint<EngineCheckpointBody>("retrain", "retrain", step, { searchOutcome: outcome, train: body }, tensors),
      save: adapterWriter(ctx, plan.facts, chosenModules(candidates), false),
    });
    return trained.status === "stopped" ? null : trained;
  }

  /** 4. results.json and the final checkpoint. */
  private async finish(plan: SearchPlan, outcome: SavedSearchOutcome, trained: TrainOutcome): Promise<RunResults> {
    const { ctx } = this;
    const structure = chosenModules(outcome.chosen.map((i) => plan.space.candidates[i]!));
    const results = buildResults(ctx, plan.facts, trained, {
      budget: plan.budget.params,
      structure,
      supernet: outcome.supernet,
      command: "search",
      structureSource: "search",
      softParams: outcome.soft + plan.facts.headInBudget,
      budgetSpec: plan.budget.spec,
      steps: { search: outcome.steps, retrain: trained.steps },
    });
    ctx.runDir.writeResults(results);
    await ctx.session.checkpoint<EngineCheckpointBody>("done", "test", trained.steps, { searchOutcome: outcome }, {});
    return results;
  }
}
