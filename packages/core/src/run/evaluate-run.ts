// evaluateRun: rebuilds a finished run's model from adapter/ (fresh backbone, modules created by
// their methods and loaded with the saved tensors, the head reloaded) and re-scores it on validation
// and test with the run's own evaluation settings, so the scores match results.json.
import * as tf from "@tensorflow/tfjs";
import { CheckpointError } from "../errors/s3pet-error.js";
import { Evaluator } from "../train/evaluator.js";
import { resolveStructure } from "../train/resolve-structure.js";
import { createModules, TunedModel } from "../train/tuned-model.js";
import { openAdapterTensors, readAdapterConfig } from "./adapter.js";
import type { EvalDeps } from "./engine-deps.js";
import { readRunJson, RunDir } from "./run-dir.js";
import type { SplitScores } from "./run-results.js";

export interface EvaluateRunResult extends SplitScores {
  readonly metric: string;
  /** results.json's (re-)trained scores, for comparison (null when the run has no results.json). */
  readonly recorded: SplitScores | null;
}

/** Re-scores the adapter saved in `runDir`; `deps.methods` must include every method it uses. */
export async function evaluateRun(runDir: string, deps: EvalDeps): Promise<EvaluateRunResult> {
  const adapter = readAdapterConfig(runDir);
  const run = readRunJson(runDir);
  if (deps.task.objective.numLabels !== adapter.objective.numLabels) {
    throw new CheckpointError(`${runDir}: the adapter's head has ${adapter.objective.numLabels} outputs but task '${deps.task.name}' has ${deps.task.objective.numLabels} (evaluate with the run's task)`);
  }
  const backbone = deps.createBackbone({ trainable: adapter.fullFineTuning });
  const file = openAdapterTensors(runDir);
  let model: TunedModel | null = null;
  try {
    const { candidates } = resolveStructure({ kind: "modules", modules: adapter.structure, source: "adapter_config.json" }, backbone.sites(), deps.methods, run.config, null);
    const head = deps.createHead(adapter.objective.numLabels, { seed: adapter.headSeed });
    try {
      model = new TunedModel(backbone, head, createModules(candidates, run.config.seed, "eval:init"));
    } catch (error) {
      head.dispose();
      throw error;
    }
    const read = (name: string) => {
      const t = file.readFloat32(name);
      return tf.tensor(t.data, t.shape);
    };
    tf.tidy(() => {
      for (const m of model!.modules) {
        const names = adapter.tensors[m.candidate.key] ?? [];
        m.module.load(Object.fromEntries(names.map((n) => [n, read(`${m.candidate.key}.${n}`)])));
      }
      model!.head.load(Object.fromEntries(Object.keys(model!.head.weights).map((n) => [n, read(`head.${n}`)])));
      if (adapter.fullFineTuning) {
        model!.backbone.trainableWeights().forEach((v, i) => {
          const t = read(`backbone.${i}`);
          if (t.size !== v.size) throw new CheckpointError(`${runDir}: backbone weight ${i} has ${t.size} values, expected ${v.size} (another backbone?)`);
          v.assign(t.reshape(v.shape));
        });
      }
    });
    const evaluator = new Evaluator(deps.task, run.config);
    const forward = (batch: Parameters<TunedModel["forward"]>[0]) => model!.forward(batch, null);
    const validation = evaluator.evaluateForward("validation", forward).score;
    const test = evaluator.evaluateForward("test", forward).score;
    const results = new RunDir(runDir).readResults();
    return { metric: adapter.objective.metric, validation, test, recorded: results ? results.retrained : null };
  } finally {
    file.close();
    if (model) model.dispose();
    else backbone.dispose();
  }
}
