// @s3pet/core: the plugin contract, the search engine, events, backend and I/O.
// reflect-metadata must load before any decorated class is evaluated (tsyringe).
import "reflect-metadata";

// --- errors
export { S3petInputError, BudgetError, PluginError, CheckpointError } from "./errors/s3pet-error.js";

// --- sites and the plugin contract
export type { SiteKind, Site, SiteOfKind, LinearSite, AttentionSite, ResidualSite, NormSite, EmbeddingSite } from "./plugin/site.js";
export { SITE_KINDS, siteDims } from "./plugin/site.js";
export type {
  PetModule,
  SiteContribution,
  ContributionOfKind,
  LinearContribution,
  ResidualContribution,
  NormContribution,
  EmbeddingContribution,
  AttentionContribution,
} from "./plugin/pet-module.js";
export type { PetMethod, S3petPlugin, ModuleInit, Preset } from "./plugin/pet-method.js";
export { definePetMethod } from "./plugin/pet-method.js";
export type { OptionSpec, OptionsSchema, OptionsOf } from "./plugin/options-schema.js";
export { intOption, numberOption, enumOption, boolOption, defaultOptions, resolveOptions } from "./plugin/options-schema.js";
export { candidateKey, parseCandidateKey } from "./plugin/candidate-key.js";
export type { AttachedModule } from "./plugin/gated-site-calls.js";
export { GatedSiteCalls } from "./plugin/gated-site-calls.js";
export { matchSites, sitePattern } from "./plugin/match-sites.js";

// --- backbone contract
export type { Backbone, BackboneOutput, EncodedBatch, SiteCalls, GatedPrefix, TaskHead, TaskHeadFactory } from "./backbone/backbone.js";

// --- tasks
export type { LabeledBatch, Dataset, TaskObjective, TaskSplits } from "./task/task.js";

// --- events
export type {
  S3petEvent,
  S3petEventType,
  PhaseName,
  RunStatus,
  RunInfo,
  CandidateInfo,
  ChosenModule,
  RunStartEvent,
  PhaseEvent,
  StepEvent,
  GatesEvent,
  BudgetEvent,
  EvalEvent,
  CheckpointEvent,
  StructureEvent,
  RunEndEvent,
  ErrorEvent,
  LogEvent,
} from "./events/events.js";

// --- backend (tfjs backend choice and kernel fixes)
export type { BackendInfo } from "./backend/init-backend.js";
export { initBackend } from "./backend/init-backend.js";
export type { BackendName, BackendCandidate } from "./backend/plan-backends.js";
export { BACKEND_CANDIDATES, BACKEND_ENV_VAR, planBackends, parseBackendOverride } from "./backend/plan-backends.js";
export type { KernelFix } from "./backend/kernels/kernel-fix.js";
export { KERNEL_FIXES, installKernelFixes, removeKernelFixes } from "./backend/install-kernel-fixes.js";
