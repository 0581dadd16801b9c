// The glue that builds a run: task (read and checked first, before anything slow), PET methods
// from the installed plugins, the tfjs backend, the backbone checkpoint and its tokenizer, the task head
// -> core's EngineDeps. Every bad input fails here, before a step runs, as an S3petInputError.
import { builtSibling, initBackend, PluginError, S3petInputError, type BackboneMemoryProfile, type BackendInfo, type EngineDeps, type EvalDeps, type PetMethod, type PluginRegistry, type Site, type TaskSplits } from "@s3pet/core";
import { encodeTask, loadTask, type TaskData } from "@s3pet/data";
import * as tf from "@tensorflow/tfjs";
import { checkpointModelType, checkTokenizerFits, createClassificationHead, createVerbaliserHead, labelWordTokens, loadPretrained, loadT5Pretrained, loadTokenizer, readBertConfig, readT5Config, type BertConfig, type TextTokenizer } from "@s3pet/models";
import { installedPlugins } from "../run-config/method-option-flags.js";
import type { RunInputs } from "../run-config/resolve-run-options.js";
import { tokenizerBatchEncoder } from "./tokenizer-batch-encoder.js";

export interface PreparedRun {
  readonly taskData: TaskData;
  readonly task: TaskSplits;
  readonly methods: readonly PetMethod[];
  readonly registry: PluginRegistry;
  readonly backend: BackendInfo;
  readonly backbone: {
    readonly description: string;
    readonly numLayers: number;
    readonly hiddenSize: number;
    readonly params: number;
    readonly sites: readonly Site[];
    /** For the memory plan (null: the backbone gives no profile). */
    readonly memory: BackboneMemoryProfile | null;
  };
  /** Everything of EngineDeps but the output directory and hooks. */
  readonly deps: Omit<EngineDeps, "outDir">;
}

export async function prepareRun(inputs: RunInputs): Promise<PreparedRun> {
  const taskData = loadTask(inputs.task, inputs.taskOptions);
  const { registry, methods } = await selectMethods(inputs.methods);
  // The model's files against each other and the flags, before the backend or any weight is allocated;
  // config.json first, so a wrong --model is reported as a missing checkpoint, not a missing tokenizer.
  const t5 = isT5(inputs.modelDir);
  const tokenizer = loadTokenizer(inputs.modelDir);
  if (t5) {
    const config = readT5Config(inputs.modelDir);
    checkTokenizerFits(tokenizer, config, inputs.modelDir);
    if (!config.encoderOnly) labelTokens(taskData, tokenizer);
  } else {
    const config = readBertConfig(inputs.modelDir);
    checkTokenizerFits(tokenizer, config, inputs.modelDir);
    checkMaxLength(inputs.maxLength, config, inputs.modelDir);
  }
  const backend = await initBackend();
  const { backbone, deps } = modelDeps(inputs, taskData);
  return {
    taskData,
    task: deps.task,
    methods,
    registry,
    backend,
    backbone,
    deps: {
      ...deps,
      methods,
      workerRecipe: { module: builtSibling(import.meta.url, "prepare-run"), export: "workerDeps", args: workerInputs(inputs) },
      configureContainer: (container) => {
        for (const { plugin } of registry.plugins()) plugin.register?.(container);
      },
      provenance: { model: inputs.modelDir, versions: backend.versions },
    },
  };
}

/** --max-length within the positions the model has (RoBERTa's start after its pad id). */
function checkMaxLength(maxLength: number, config: BertConfig, modelDir: string): void {
  const positions = config.modelType === "roberta" ? config.maxPositions - config.padTokenId - 1 : config.maxPositions;
  if (maxLength > positions) {
    throw new S3petInputError(`--max-length ${maxLength} is beyond the ${positions} positions of ${modelDir} (max_position_embeddings in its config.json); pass --max-length ${positions} or less`);
  }
}

function isT5(modelDir: string): boolean {
  return checkpointModelType(modelDir) === "t5";
}

/** Text-to-text classification: the task's label names are the label words (docs/ARCHITECTURE.md "T5"). */
function labelTokens(taskData: TaskData, tokenizer: TextTokenizer): number[] {
  if (taskData.labelSpace === null) {
    throw new S3petInputError(`task '${taskData.name}': a T5 backbone scores label words, so it needs a classification task (this one is regression)`);
  }
  return labelWordTokens(tokenizer, taskData.labelSpace.names);
}

/** The backbone factory, head factory and encoded task of a run (the backend must be initialised). */
function modelDeps(inputs: RunInputs, taskData: TaskData): { backbone: PreparedRun["backbone"]; deps: Omit<EvalDeps, "methods"> } {
  if (isT5(inputs.modelDir)) return t5ModelDeps(inputs, taskData);
  const loaded = loadPretrained(inputs.modelDir);
  const tokenizer = loadTokenizer(inputs.modelDir);
  const backbone = {
    description: loaded.model.description,
    numLayers: loaded.model.numLayers,
    hiddenSize: loaded.model.hiddenSize,
    params: loaded.model.paramCount(),
    sites: loaded.model.sites(),
    memory: loaded.model.memoryProfile(),
  };
  const createHead = createClassificationHead(loaded.model);
  loaded.model.dispose(); // the engine asks for its own fresh copies
  const task = encodeTask(taskData, tokenizerBatchEncoder(tokenizer, inputs.maxLength));
  return { backbone, deps: { createBackbone: ({ trainable }) => loadPretrained(inputs.modelDir, { trainable }).model, createHead, task } };
}

/**
 * A T5 backbone with the verbaliser head (each label's score is the LM logit of its word's first token),
 * or, for an encoder-only checkpoint, a classification head on the mean of its encoder states.
 */
function t5ModelDeps(inputs: RunInputs, taskData: TaskData): { backbone: PreparedRun["backbone"]; deps: Omit<EvalDeps, "methods"> } {
  const tokenizer = loadTokenizer(inputs.modelDir);
  const { model } = loadT5Pretrained(inputs.modelDir);
  const backbone = { description: model.description, numLayers: model.numLayers, hiddenSize: model.hiddenSize, params: model.paramCount(), sites: model.sites(), memory: null };
  const createHead = model.config.encoderOnly
    ? createClassificationHead(model)
    : createVerbaliserHead(tf.tidy(() => model.labelTokenColumns(labelTokens(taskData, tokenizer)).dataSync() as Float32Array), model.hiddenSize);
  model.dispose(); // the engine asks for its own fresh copies
  const task = encodeTask(taskData, tokenizerBatchEncoder(tokenizer, inputs.maxLength));
  const createBackbone = ({ trainable }: { trainable: boolean }) => {
    if (trainable) throw new S3petInputError(`${inputs.modelDir}: full fine-tuning of a T5 backbone is not supported; tune it with PET modules`);
    return loadT5Pretrained(inputs.modelDir).model;
  };
  return { backbone, deps: { createBackbone, createHead, task } };
}

/** What a data-parallel worker needs to rebuild the run's deps (plain data). */
function workerInputs(inputs: RunInputs): RunInputs {
  return { modelDir: inputs.modelDir, task: inputs.task, taskOptions: inputs.taskOptions, methods: inputs.methods, maxLength: inputs.maxLength };
}

/**
 * The worker-recipe export (EngineDeps.workerRecipe): inside a worker thread, with its backend
 * initialised, the same task, methods, backbone and head prepareRun gives the main thread.
 */
export async function workerDeps(inputs: RunInputs): Promise<EvalDeps> {
  const taskData = loadTask(inputs.task, inputs.taskOptions);
  const { methods } = await selectMethods(inputs.methods);
  return { ...modelDeps(inputs, taskData).deps, methods };
}

/** The installed registry and the methods named by --methods (all when null); unknown names fail. */
export async function selectMethods(names: readonly string[] | null): Promise<{ registry: PluginRegistry; methods: PetMethod[] }> {
  const registry = await installedPlugins();
  const wanted = names ?? registry.methodNames();
  if (wanted.length === 0) throw new PluginError("no PET methods are installed; install a plugin such as @s3pet/plugin-lora");
  const methods = wanted.map((name) => {
    try {
      return registry.method(name);
    } catch (e) {
      throw new PluginError(`--methods: ${(e as Error).message}`, { cause: e });
    }
  });
  return { registry, methods };
}
