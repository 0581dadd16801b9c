// @s3pet/core/testing: the shared contract suite for PET methods and small synthetic sites.
// Imports vitest, so it is a separate entry: core's main entry never loads it.

// --- the contract suite
export type { PetMethodSuiteOptions, BackboneFixture } from "./describe-pet-method.js";
export { describePetMethod, perturbWeights } from "./describe-pet-method.js";

// --- synthetic sites and forward
export {
  syntheticSites,
  syntheticLinearSite,
  syntheticWideLinearSite,
  syntheticAttentionSite,
  syntheticResidualSite,
  syntheticNormSite,
  syntheticEmbeddingSite,
  syntheticActivationSite,
  syntheticForward,
  SYNTHETIC_BATCH,
  SYNTHETIC_TOKENS,
} from "./synthetic-sites.js";
export { syntheticBatch } from "./synthetic-batch.js";
