// Gradients with the engine's two guards: a loss that no trainable variable reaches fails with a
// clear message instead of tfjs's "Cannot find a connection ..." (docs/BACKEND.md §6), and a NaN/Inf
// loss or gradient stops the run naming the phase and step, before any weight is touched.
import * as tf from "@tensorflow/tfjs";
import { S3petInputError } from "../errors/s3pet-error.js";
import { lowMemoryVariableGrads } from "../backend/low-memory-grads.js";
import type { AdamW } from "./adamw.js";

/** The loss (or its gradients) became NaN or infinite: the learning rate is too high for this task. */
export class TrainingDivergedError extends S3petInputError {
  override readonly name = "TrainingDivergedError";
}

/** Where a gradient is taken, for messages: "search step 12 (structure step)". */
export type StepLabel = string;

/** tf.variableGrads (freeing memory as the backward pass goes) with the no-variable guard. Call inside tf.tidy. */
export function gradsOf(f: () => tf.Scalar, vars: readonly tf.Variable[], where: StepLabel): { value: tf.Scalar; grads: tf.NamedTensorMap } {
  if (vars.length === 0) throw noVariable(where);
  try {
    return lowMemoryVariableGrads(f, vars);
  } catch (error) {
    if (error instanceof Error && /Cannot find a connection between any variable/.test(error.message)) throw noVariable(where, error);
    throw error;
  }
}

/** Throws TrainingDivergedError unless `value` is finite. */
export function checkFinite(value: number, where: StepLabel, what = "loss"): number {
  if (!Number.isFinite(value)) throw diverged(value, where, what);
  return value;
}

export function diverged(value: number, where: StepLabel, what: string): TrainingDivergedError {
  return new TrainingDivergedError(
    // Not "--resume": a resumed run keeps its saved settings, the learning rate included.
    `${what} became ${value} at ${where}; the run stopped there: start a new run (another --out) with a lower --lr (or --alpha-lr for the structure step)`,
  );
}

function noVariable(where: StepLabel, cause?: unknown): S3petInputError {
  return new S3petInputError(
    `no trainable variable reaches the loss at ${where}: the structure attaches no module at a site the backbone calls and nothing else is trained (check the structure and --include/--exclude)`,
    cause === undefined ? undefined : { cause },
  );
}

/**
 * One optimisation step of `opt`'s parameters from a batch's loss and gradients (keyed by parameter
 * key, as DataParallel returns them): the loss checked finite, then the update (refused for a
 * non-finite gradient norm). The gradient tensors are disposed. Returns the loss and the gradient norm.
 */
export function applyGradients(
  opt: AdamW,
  g: { readonly loss: number; readonly grads: Readonly<Record<string, tf.Tensor>> },
  where: StepLabel,
): { readonly loss: number; readonly gradNorm: number } {
  try {
    checkFinite(g.loss, where);
    const byName: tf.NamedTensorMap = {};
    for (const p of opt.params) {
      const grad = g.grads[p.key];
      if (grad) byName[p.variable.name] = grad;
    }
    const { gradNorm } = opt.apply(byName, (norm) => {
      throw diverged(norm, where, "gradient norm");
    });
    return { loss: g.loss, gradNorm };
  } finally {
    tf.dispose(Object.values(g.grads));
  }
}
