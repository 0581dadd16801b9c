// assignWeights: the shared body of PetModule.load (pet-module.ts): every saved tensor must match a
// weight by name and shape, and every weight must be given, so a wrong adapter file fails while
// loading with the name and both shapes (docs/ARCHITECTURE.md, convention §15), never later with a broadcast surprise.
import type * as tf from "@tensorflow/tfjs";
import { CheckpointError } from "../errors/s3pet-error.js";

/** Copies `saved` into `weights`; `owner` (e.g. `lora@encoder.layer.0.attention.self.query`) prefixes errors. */
export function assignWeights(
  owner: string,
  weights: Readonly<Record<string, tf.Variable>>,
  saved: Readonly<Record<string, tf.Tensor>>,
): void {
  for (const name of Object.keys(saved)) {
    if (!(name in weights)) {
      throw new CheckpointError(`${owner}: unexpected weight '${name}' (expected ${Object.keys(weights).join(", ")})`);
    }
  }
  for (const [name, variable] of Object.entries(weights)) {
    const value = saved[name];
    if (!value) throw new CheckpointError(`${owner}: missing weight '${name}' in the saved module`);
    if (!sameShape(value.shape, variable.shape)) {
      throw new CheckpointError(`${owner}: weight '${name}' expected [${variable.shape.join(",")}], got [${value.shape.join(",")}]`);
    }
  }
  for (const [name, variable] of Object.entries(weights)) variable.assign(saved[name]!);
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
