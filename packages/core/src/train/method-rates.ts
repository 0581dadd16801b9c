// The learning rate and weight decay of each module's weights: the rate its method declares
// (PetMethod.lr), a `--<method>.lr` override, or the run's lr when per-method rates are off.
import type { PetMethod } from "../plugin/pet-method.js";
import type { CommonConfig } from "../run/run-config.js";

export interface MethodRate {
  readonly lr: number;
  readonly weightDecay: number;
}

export type MethodRates = (method: PetMethod) => MethodRate;

export function methodRates(config: Pick<CommonConfig, "lr" | "weightDecay" | "methodLrs" | "methodLr">): MethodRates {
  return (method) => ({
    lr: config.methodLr[method.name] ?? (config.methodLrs ? method.lr : config.lr),
    weightDecay: config.methodLrs ? (method.weightDecay ?? config.weightDecay) : config.weightDecay,
  });
}
