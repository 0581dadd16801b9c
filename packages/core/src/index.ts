// @s3pet/core: the plugin contract, the search engine, events, backend and I/O.
// reflect-metadata must load before any decorated class is evaluated (tsyringe).
import "reflect-metadata";

// --- errors
export { S3petInputError, BudgetError, PluginError, CheckpointError } from "./errors/s3pet-error.js";

// --- sites and the plugin contract
export type { SiteKind, Site, SiteOfKind, LinearSite, AttentionSite, ResidualSite, NormSite, EmbeddingSite, ActivationSite } from "./plugin/site.js";
export { SITE_KINDS, siteDims } from "./plugin/site.js";
export type {
  PetModule,
  SiteContribution,
  ContributionOfKind,
  LinearContribution,
  ResidualContribution,
  NormContribution,
  EmbeddingContribution,
  ActivationContribution,
  AttentionContribution,
  TrainingContext,
} from "./plugin/pet-module.js";
export { exampleDropout, mixSeed } from "./plugin/example-dropout.js";
export type { PetMethod, S3petPlugin, ModuleInit, Preset } from "./plugin/pet-method.js";
export type { FrozenParams, ParamDelta, PeftMapping, PeftModuleExport, PeftSetting } from "./plugin/method-export.js";
export { definePetMethod } from "./plugin/pet-method.js";
export type { OptionSpec, OptionsSchema, OptionsOf } from "./plugin/options-schema.js";
export { intOption, numberOption, enumOption, boolOption, defaultOptions, resolveOptions } from "./plugin/options-schema.js";
export { candidateKey, parseCandidateKey } from "./plugin/candidate-key.js";
export type { AttachedModule } from "./plugin/gated-site-calls.js";
export { GatedSiteCalls } from "./plugin/gated-site-calls.js";
export { matchSites, sitePattern } from "./plugin/match-sites.js";
export { zerosVariable, onesVariable, kaimingUniformVariable, normalVariable } from "./plugin/variable-init.js";
export { assignWeights } from "./plugin/assign-weights.js";
export type { RegisteredPlugin } from "./plugin/plugin-registry.js";
export { PluginRegistry } from "./plugin/plugin-registry.js";
export type { DiscoveredPlugin } from "./plugin/discover-plugins.js";
export { PLUGIN_KEYWORD, discoverPlugins, defaultPluginSearchRoots } from "./plugin/discover-plugins.js";
export { loadPlugin, loadInstalledPlugins } from "./plugin/load-plugin.js";

// --- backbone contract
export type { Backbone, BackboneForwardOptions, BackboneOutput, EncodedBatch, HiddenAtLayer, SiteCalls, GatedPrefix, TaskHead, TaskHeadFactory } from "./backbone/backbone.js";

// --- tasks
export type { LabeledBatch, Dataset, TaskObjective, TaskSplits } from "./task/task.js";

// --- events (also the tfjs-free entry @s3pet/core/events, with discretizeGreedy)
export * from "./events/index.js";

// --- backend (tfjs backend choice and kernel fixes)
export type { BackendInfo } from "./backend/init-backend.js";
export { initBackend } from "./backend/init-backend.js";
export type { BackendName, BackendCandidate } from "./backend/plan-backends.js";
export { BACKEND_CANDIDATES, BACKEND_ENV_VAR, planBackends, parseBackendOverride } from "./backend/plan-backends.js";
export type { KernelFix, KernelFuncFix, GradientFix } from "./backend/kernels/kernel-fix.js";
export { KERNEL_FIXES, installKernelFixes, removeKernelFixes, kernelFixKey } from "./backend/install-kernel-fixes.js";
export { runOnBackend } from "./backend/run-on-backend.js";

// --- engine
// The API the CLI drives (see packages/core/src/run/): `runSearch(config, deps)` searches, discretises,
// re-trains and tests; `runTrain(config, deps)` trains a fixed structure (structure.json modules, a
// method's preset, random, or full fine-tuning) with the same protocol and seeds; both return a
// RunHandle { outDir, events$, result, stop() } at once and write the run directory (run.json,
// events.jsonl, candidates.json, structure.json, adapter/, checkpoints/, results.json; `resume: true`
// continues it). `evaluateRun(dir, deps)` re-scores a finished run's adapter. deps = EngineDeps
// { createBackbone({ trainable }), createHead, task, methods, outDir, hooks?, configureContainer? }.
export type { EngineDeps, EvalDeps } from "./run/engine-deps.js";
export type { CommonConfig, SearchConfig, TrainConfig, StructureSpec, ShiftGradient, ResolvedRunConfig } from "./run/run-config.js";
export { DEFAULT_COMMON_CONFIG, DEFAULT_SEARCH_CONFIG, resolveSearchConfig, resolveTrainConfig } from "./run/run-config.js";
export type { RunOption, RunCommandName } from "./run/run-options.js";
export {
  ENGINE_OPTIONS,
  EPOCHS_OPTION,
  searchEpochsFor,
  FULL_FINE_TUNING_LR,
  runOption,
  parseRunOption,
  showValue,
  defaultLabel,
  runOptionsJsonSchema,
  intRunOption,
  positiveNumberRunOption,
  nonNegativeNumberRunOption,
  choiceRunOption,
  textRunOption,
  switchRunOption,
  listRunOption,
} from "./run/run-options.js";
export type { RunHandle, RunResult } from "./run/run-handle.js";
export type { RunResults, SplitScores, StructureFile, AdapterConfig } from "./run/run-results.js";
export { runSearch } from "./run/run-search.js";
export { runTrain } from "./run/run-train.js";
export type { EvaluateRunResult } from "./run/evaluate-run.js";
export { evaluateRun } from "./run/evaluate-run.js";
export { readAdapterConfig } from "./run/adapter.js";
export type { EvalSettings } from "./train/evaluator.js";
export { evaluateSaved } from "./run/evaluate-run.js";
// export: a trained structure as a PEFT adapter or folded into the backbone (docs/EXPORT.md)
export type { SavedModel, HostTensors } from "./export/saved-model.js";
export { savedModelOfRun, savedModelOfTensors, openSavedModel, loadSavedModules, readSavedHead } from "./export/saved-model.js";
export type { PeftModelInfo, PeftExport } from "./export/peft-adapter.js";
export { writePeftAdapter, readPeftAdapter, isPeftAdapterDir, notPeftExpressible, PEFT_CONFIG_FILE, PEFT_WEIGHTS_FILE } from "./export/peft-adapter.js";
export { PEFT_TENSOR_PREFIX, peftModuleMatches, peftPatternValue } from "./export/peft-names.js";
export { mergeModules, notMergeable } from "./export/merge-modules.js";
export type { RunJson } from "./run/run-dir.js";
export { RUN_FILES, checkOutDir, readRunJson } from "./run/run-dir.js";
export type { RunLock, RunLockHolder, RunLockState } from "./run/run-lock.js";
export { RUN_LOCK_FILE, acquireRunLock, lockedError, readRunLock } from "./run/run-lock.js";
export type { PhaseProgress } from "./run/run-control.js";
// search: the space, budgets, the shifted global sigmoid, discretisation, random structures
export type { Candidate, SearchSpaceOptions } from "./search/search-space.js";
export { SearchSpace, candidateInfo, optionVariants } from "./search/search-space.js";
export type { Budget } from "./search/parse-budget.js";
export { parseBudget } from "./search/parse-budget.js";
export type { ShiftSolution, SgsOptions } from "./search/shifted-global-sigmoid.js";
export { ShiftedGlobalSigmoid, solveShift, SHIFT_TOLERANCE } from "./search/shifted-global-sigmoid.js";
export { sampleConcreteGates, drawGateNoise } from "./search/sample-concrete-gates.js";
export { sampleRandomStructure } from "./search/sample-random-structure.js";
export type { SearchOutcome } from "./search/bi-level-search.js";
export { BiLevelSearch } from "./search/bi-level-search.js";
// train: the fixed-structure trainer, evaluation, optimiser
export type { ResolvedStructure } from "./train/resolve-structure.js";
export { resolveStructure, chosenModules } from "./train/resolve-structure.js";
export type { TrainOutcome } from "./train/trainer.js";
export { Trainer } from "./train/trainer.js";
export type { EvalScore } from "./train/evaluator.js";
export { Evaluator, majorityBaselineScore } from "./train/evaluator.js";
export type { AdamWOptions, NamedParam } from "./train/adamw.js";
export { AdamW, warmupLinearDecay } from "./train/adamw.js";
export { TrainingDivergedError } from "./train/gradients.js";
export { sparseSoftmaxCrossEntropy } from "./train/sparse-softmax-cross-entropy.js";
// memory: the plan of a step's peak per worker, checked before a run starts
export type { BackboneMemoryProfile, MemoryPlan, MemoryPlanInput } from "./plan/memory-plan.js";
export {
  planMemory,
  maxWorkersThatFit,
  largestMicroBatchThatFits,
  describeMemoryPlan,
  assertPlanFits,
  formatBytes,
  workerMemoryLimit,
  MemoryPlanError,
  WASM_HEAP_LIMIT,
  HEAP_SLACK,
} from "./plan/memory-plan.js";
export type { RunMemoryInput } from "./plan/plan-run-memory.js";
export { planRunMemory } from "./plan/plan-run-memory.js";
export { OutOfMemoryError, asOutOfMemory } from "./plan/out-of-memory.js";
export { lowMemoryVariableGrads } from "./backend/low-memory-grads.js";
export type { ReplicaSpec, CandidateRef, ShardRequest, ShardGradients, EvalShard, GradTarget } from "./train/replica.js";
export type { ShardReplica } from "./train/data-parallel.js";
export { Replica, candidateRef } from "./train/replica.js";
export { microBatchGradients } from "./train/micro-batch-gradients.js";
export { DataParallel, WorkerFailedError, shardRanges, builtSibling } from "./train/data-parallel.js";
export type { WorkerRecipe } from "./run/engine-deps.js";
export { applyGradients } from "./train/gradients.js";
export { defaultWorkers, resolveWorkers, type WorkersFit } from "./run/default-workers.js";
export { resolveRunUnits, shardSize, type RunUnits, type UnitsFit } from "./run/run-units.js";
export type { StandalonePhase, StandaloneRunOptions, StandaloneCheckpointBody } from "./run/standalone-run.js";
export { StandaloneRun } from "./run/standalone-run.js";
export { PhaseState } from "./train/phase-state.js";
export type { SavedPhaseState } from "./train/phase-state.js";
export type { StepOutcome } from "./train/phase-loop.js";
export { checkFinite } from "./train/gradients.js";
// hooks, events and DI (one tsyringe instance: plugins import these from here)
export type { SearchHook, HookContext, CandidateState, SequentialHooks, ParallelHooks, HookName } from "./hooks/search-hook.js";
export { defaultHooks } from "./hooks/default-hooks.js";
export { eventsJsonlHook } from "./hooks/events-jsonl-hook.js";
export { checkpointHook } from "./hooks/checkpoint-hook.js";
export { earlyStoppingHook } from "./hooks/early-stopping-hook.js";
export { candidatesJsonHook } from "./hooks/candidates-json-hook.js";
export { EventBus } from "./events/event-bus.js";
export { RunConfigToken, EngineDepsToken, SearchHookToken } from "./di/tokens.js";
export { container, inject, injectAll, injectable, singleton } from "tsyringe";
export type { DependencyContainer, InjectionToken } from "tsyringe";

// --- random (the one seeded RNG) and atomic files
export type { RngState } from "./random/seeded-rng.js";
export { SeededRng, RNG_ALGORITHM } from "./random/seeded-rng.js";
export type { FileData } from "./io/write-file-atomic.js";
export { writeFileAtomic, writeJsonAtomic } from "./io/write-file-atomic.js";
export { fsInputError } from "./io/fs-input-error.js";
export { brief, briefJson } from "./errors/brief.js";

// --- safetensors (lazy, validated read; atomic write)
export type { SafetensorsFile, SafetensorsTensorInfo } from "./io/safetensors/safetensors-file.js";
export type { SafetensorsDtype, WritableDtype } from "./io/safetensors/safetensors-dtype.js";
export type { SafetensorsTensorInput } from "./io/safetensors/write-safetensors.js";
export { openSafetensors, SAFETENSORS_FILE, SAFETENSORS_INDEX_FILE } from "./io/safetensors/open-safetensors.js";
export { writeSafetensors } from "./io/safetensors/write-safetensors.js";

// --- doctor (environment checks)
export type { MatmulShape, MatmulTiming, TimingOptions } from "./doctor/measure-matmul-gflops.js";
export { measureMatmulGflops, matmulFlops, ROOFLINE_MATMUL_SIZE } from "./doctor/measure-matmul-gflops.js";
