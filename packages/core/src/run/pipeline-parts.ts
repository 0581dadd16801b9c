// The parts SearchRun and TrainRun share: the backbone facts both record, the head's size and the
// part of it the budget counts, writing adapter/ and the fields of results.json common to both.
import * as tf from "@tensorflow/tfjs";
import type { ChosenModule } from "../events/events.js";
import { TRAIN_SEEDS, type TrainOutcome } from "../train/trainer.js";
import { seedFor, type TunedModel } from "../train/tuned-model.js";
import { writeAdapter } from "./adapter.js";
import type { EngineContext } from "./engine-context.js";
import type { EngineDeps } from "./engine-deps.js";
import { peakRssMB } from "./record-run-start.js";
import type { RunResults } from "./run-results.js";

/** What a run records of its backbone and head. */
export interface BackboneFacts {
  readonly description: string;
  readonly backboneParams: number;
  readonly headParams: number;
  /** The head's parameters inside the budget: headParams with countHead, else 0. */
  readonly headInBudget: number;
}

export function backboneFacts(ctx: EngineContext, description: string, backboneParams: number): BackboneFacts {
  const headParams = countHeadParams(ctx.deps, ctx.config.seed);
  return { description, backboneParams, headParams, headInBudget: ctx.config.countHead ? headParams : 0 };
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

/** A `save` for the Trainer: writes adapter/ for `structure`. */
export function adapterWriter(ctx: EngineContext, facts: BackboneFacts, structure: readonly ChosenModule[], full: boolean): (model: TunedModel) => void {
  const { objective, name } = ctx.deps.task;
  return (model) =>
    writeAdapter(ctx.runDir.path, model, {
      backbone: facts.description,
      backboneParams: facts.backboneParams,
      task: name,
      objective: { kind: objective.kind, numLabels: objective.numLabels, metric: objective.metric },
      structure,
      fullFineTuning: full,
      headParams: facts.headParams,
      headSeed: seedFor(ctx.config.seed, TRAIN_SEEDS.head),
    });
}

/** What differs between the pipelines' results.json. */
export type ResultsParts = Pick<RunResults, "budget" | "structure" | "supernet" | "command" | "structureSource" | "softParams" | "budgetSpec" | "steps">;

/** results.json, its keys in the documented order, the shared fields filled the same way for both pipelines. */
export function buildResults(ctx: EngineContext, facts: BackboneFacts, trained: TrainOutcome, parts: ResultsParts): RunResults {
  const chosenParams = trained.trainedParams + facts.headInBudget;
  return {
    task: ctx.deps.task.name,
    metric: ctx.deps.task.objective.metric,
    budget: parts.budget,
    backboneParams: facts.backboneParams,
    chosenParams,
    structure: parts.structure,
    ...(parts.supernet ? { supernet: parts.supernet } : {}),
    retrained: trained.scores!,
    majorityBaseline: { test: ctx.evaluator.majorityBaseline() },
    seconds: Math.round(ctx.session.elapsedMs()) / 1000,
    peakRssMB: peakRssMB(),
    command: parts.command,
    structureSource: parts.structureSource,
    headParams: trained.headParams,
    countHead: ctx.config.countHead,
    chosenRatio: chosenParams / facts.backboneParams,
    ...(parts.softParams === undefined ? {} : { softParams: parts.softParams }),
    budgetSpec: parts.budgetSpec,
    seed: ctx.config.seed,
    backend: tf.getBackend(),
    steps: parts.steps,
  };
}
