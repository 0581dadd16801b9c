// evaluateRun: rebuilds a finished run's model from adapter/ (fresh backbone, modules created by
// their methods and loaded with the saved tensors, the head reloaded) and re-scores it on validation
// and test with the run's own evaluation settings, so the scores match results.json. evaluateSaved
// does the same for any SavedModel (a PEFT adapter, a merged checkpoint's head).
import * as tf from "@tensorflow/tfjs";
import { CheckpointError } from "../errors/s3pet-error.js";
import { loadSavedModules, readSavedHead, savedModelOfRun, type SavedModel } from "../export/saved-model.js";
import { Evaluator, type EvalSettings } from "../train/evaluator.js";
import { TunedModel, type CandidateModule } from "../train/tuned-model.js";
import type { EvalDeps } from "./engine-deps.js";
import { DEFAULT_COMMON_CONFIG } from "./run-config.js";
import { readRunJson, RunDir } from "./run-dir.js";
import type { SplitScores } from "./run-results.js";

export interface EvaluateRunResult extends SplitScores {
  readonly metric: string;
  /** results.json's (re-)trained scores, for comparison (null when the run has no results.json). */
  readonly recorded: SplitScores | null;
}

/** Re-scores the adapter saved in `runDir`; `deps.methods` must include every method it uses. */
export async function evaluateRun(runDir: string, deps: EvalDeps): Promise<EvaluateRunResult> {
  const run = readRunJson(runDir);
  const saved = savedModelOfRun(runDir);
  try {
    // The run's own micro-batch caps the evaluation batch (run.json records what "auto" chose).
    const scores = evaluateSaved(saved, deps, { ...run.config, microBatchSize: run.microBatchSize ?? run.config.microBatchSize ?? "auto" });
    const results = new RunDir(runDir).readResults();
    return { ...scores, recorded: results ? results.retrained : null };
  } finally {
    saved.close();
  }
}

/** Scores `saved` on `deps`' backbone and task (validation and test); settings default to the run defaults. */
export function evaluateSaved(saved: SavedModel, deps: EvalDeps, settings: Partial<EvalSettings> = {}): SplitScores & { metric: string } {
  if (deps.task.objective.numLabels !== saved.numLabels) {
    throw new CheckpointError(`${saved.source}: the saved head has ${saved.numLabels} outputs but task '${deps.task.name}' has ${deps.task.objective.numLabels} (evaluate with the task it was trained on)`);
  }
  const backbone = deps.createBackbone({ trainable: saved.backboneWeight !== null });
  let modules: CandidateModule[] = [];
  let model: TunedModel | null = null;
  try {
    modules = loadSavedModules(saved, backbone.sites(), deps.methods);
    const head = deps.createHead(saved.numLabels, { seed: saved.headSeed });
    model = new TunedModel(backbone, head, modules);
    tf.tidy(() => {
      head.load(readSavedHead(saved, Object.keys(head.weights)));
      if (saved.backboneWeight) {
        model!.backbone.trainableWeights().forEach((v, i) => {
          const t = saved.backboneWeight!(i);
          if (t.data.length !== v.size) throw new CheckpointError(`${saved.source}: backbone weight ${i} has ${t.data.length} values, expected ${v.size} (another backbone?)`);
          v.assign(tf.tensor(t.data, v.shape));
        });
      }
    });
    const evaluator = new Evaluator(deps.task, { ...DEFAULT_COMMON_CONFIG, ...settings });
    const forward = (batch: Parameters<TunedModel["forward"]>[0]) => model!.forward(batch, null);
    return { metric: deps.task.objective.metric, validation: evaluator.evaluateForward("validation", forward).score, test: evaluator.evaluateForward("test", forward).score };
  } finally {
    if (model) model.dispose();
    else {
      for (const m of modules) m.module.dispose();
      backbone.dispose();
    }
  }
}
