// Seeded variable initialisers for PET modules (docs/ARCHITECTURE.md, convention §2: shared building blocks live in core).
// Each returns a trainable tf.Variable owned by the caller (its PetModule disposes it) and leaves no
// other tensor alive. `name` describes the variable (e.g. `encoder.layer.0.attention.self.query#lora/lora_A`);
// a counter is appended because tfjs variable names are global and must be unique while alive.
import * as tf from "@tensorflow/tfjs";

let created = 0;

/** Wraps `init` (built inside a tidy) in a uniquely named trainable variable. */
function ownedVariable(name: string, init: () => tf.Tensor): tf.Variable {
  return tf.tidy(() => tf.variable(init(), true, `${name}_${created++}`));
}

export function zerosVariable(name: string, shape: readonly number[]): tf.Variable {
  return ownedVariable(name, () => tf.zeros([...shape]));
}

export function onesVariable(name: string, shape: readonly number[]): tf.Variable {
  return ownedVariable(name, () => tf.ones([...shape]));
}

/**
 * Kaiming-uniform with a = sqrt(5), PyTorch's nn.Linear and PEFT's LoRA-A init:
 * U(-b, b) with b = gain * sqrt(3 / fanIn), gain = sqrt(2 / (1 + a^2)), i.e. b = 1 / sqrt(fanIn).
 */
export function kaimingUniformVariable(name: string, shape: readonly number[], fanIn: number, seed: number): tf.Variable {
  const a = Math.sqrt(5);
  const bound = Math.sqrt(2 / (1 + a * a)) * Math.sqrt(3 / fanIn);
  return ownedVariable(name, () => tf.randomUniform([...shape], -bound, bound, "float32", seed));
}

/** N(mean, std^2), e.g. prefix keys/values or BERT-style weights (std 0.02). */
export function normalVariable(name: string, shape: readonly number[], std: number, seed: number, mean = 0): tf.Variable {
  return ownedVariable(name, () => tf.randomNormal([...shape], mean, std, "float32", seed));
}
