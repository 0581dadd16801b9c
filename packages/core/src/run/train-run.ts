// TrainRun: the `train` pipeline — a fixed structure (structure.json modules, a method's preset,
// random under the budget, or full fine-tuning) trained by the same Trainer, protocol and seeds as
// the search's re-training, then scored on test, with structure.json, adapter/ and results.json.
import { moduleBudget, parseBudget, type Budget } from "../search/parse-budget.js";
import { candidateInfo } from "../search/search-space.js";
import { chosenModules, resolveStructure } from "../train/resolve-structure.js";
import { Trainer, type TrainOutcome } from "../train/trainer.js";
import type { EngineContext } from "./engine-context.js";
import { adapterWriter, backboneFacts, buildResults, type BackboneFacts } from "./pipeline-parts.js";
import { recordRunStart } from "./record-run-start.js";
import type { TrainConfig } from "./run-config.js";
import type { RunResult } from "./run-handle.js";
import type { RunResults } from "./run-results.js";
import type { EngineCheckpointBody } from "./search-run.js";

/** The structure to train, resolved against the backbone. */
interface TrainPlan {
  readonly resolved: ReturnType<typeof resolveStructure>;
  readonly budget: Budget | null;
  readonly facts: BackboneFacts;
}

export class TrainRun {
  constructor(
    private readonly ctx: EngineContext,
    private readonly config: TrainConfig,
  ) {}

  async run(resumed: boolean): Promise<RunResult> {
    const { session, runDir } = this.ctx;
    const ckpt = resumed ? session.store.load<EngineCheckpointBody>() : null;
    if (ckpt) session.elapsedBefore = ckpt.state.elapsedMs;
    const plan = this.plan();
    await this.recordStart(plan, resumed);
    const finished = ckpt?.state.phase === "done" ? runDir.readResults() : null;
    if (finished) return session.end("done", finished);
    if (!ckpt) this.writeStructure(plan);

    const trained = await new Trainer(this.ctx).run({
      phase: "train",
      candidates: plan.resolved.candidates,
      full: plan.resolved.full,
      resume: ckpt?.state.phase === "train" && ckpt.state.body.train ? ckpt : null,
      init: this.config.structure.kind === "modules" ? (this.config.structure.init ?? null) : null,
      checkpoint: (step, body, tensors) => session.checkpoint<EngineCheckpointBody>("train", "train", step, { train: body }, tensors),
      save: adapterWriter(this.ctx, plan.facts, chosenModules(plan.resolved.candidates), plan.resolved.full),
    });
    if (trained.status === "stopped") return session.end("stopped", null);
    return session.end("done", await this.finish(plan, trained));
  }

  private plan(): TrainPlan {
    const { config, ctx } = this;
    const backbone = ctx.deps.createBackbone({ trainable: false });
    try {
      const facts = backboneFacts(ctx, backbone.description, backbone.paramCount());
      const budget = config.budget === null ? null : parseBudget(config.budget, facts.backboneParams);
      const modules = budget === null ? null : moduleBudget(budget, facts.headParams, config.countHead);
      const resolved = resolveStructure(config.structure, backbone.sites(), ctx.deps.methods, config, modules);
      return { resolved, budget, facts };
    } finally {
      backbone.dispose();
    }
  }

  /** The budget results and run.json report: none for full fine-tuning. */
  private budgetOf(plan: TrainPlan): number | null {
    return plan.resolved.full ? null : (plan.budget?.params ?? null);
  }

  private recordStart(plan: TrainPlan, resumed: boolean): Promise<unknown> {
    const { ctx } = this;
    const { candidates } = plan.resolved;
    return recordRunStart({
      config: ctx.config, deps: ctx.deps, runDir: ctx.runDir, hooks: ctx.hooks, resumed, units: ctx.units,
      backbone: plan.facts.description, backboneParams: plan.facts.backboneParams, budget: this.budgetOf(plan),
      methods: [...new Set(candidates.map((c) => c.method.name))],
      candidates: candidates.map(candidateInfo),
    });
  }

  private writeStructure(plan: TrainPlan): void {
    const { facts, resolved } = plan;
    const structure = chosenModules(resolved.candidates);
    const moduleParams = structure.reduce((s, m) => s + m.params, 0);
    this.ctx.runDir.writeStructure({
      structure,
      budget: plan.budget?.params ?? null,
      chosenParams: resolved.full ? facts.backboneParams : moduleParams + facts.headInBudget,
      headParams: facts.headParams,
      countHead: this.config.countHead,
      backbone: facts.description,
      backboneParams: facts.backboneParams,
    });
  }

  private async finish(plan: TrainPlan, trained: TrainOutcome): Promise<RunResults> {
    const { ctx } = this;
    const results = buildResults(ctx, plan.facts, trained, {
      budget: this.budgetOf(plan),
      structure: chosenModules(plan.resolved.candidates),
      command: "train",
      structureSource: plan.resolved.source,
      budgetSpec: plan.budget?.spec ?? null,
      steps: { train: trained.steps },
    });
    ctx.runDir.writeResults(results);
    await ctx.session.checkpoint<EngineCheckpointBody>("done", "test", trained.steps, {}, {});
    return results;
  }
}
