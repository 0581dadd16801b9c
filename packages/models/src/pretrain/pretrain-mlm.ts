// pretrainMlm: trains a small BERT from scratch with masked-LM on the npm-shipped English corpus and
// saves it in the Hugging Face layout (config.json, model.safetensors with the MLM head, vocab.txt,
// tokenizer_config.json) plus pretrain-report.json and the model card README.md built from it.
// Recipe (Devlin et al. 2019 without NSP, RoBERTa-style full-length packing): 15% masking 80/10/10,
// logits only at the masked positions, core's AdamW with linear warmup and decay, global-norm clipping.
// The training runs on the engine's own loop (core's StandaloneRun: PhaseLoop, events.jsonl, so
// `s3pet watch <outDir>` shows it, and checkpoints/ in the run format); a checkpoint is written every
// few minutes, so a killed run continues with `resume`.
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { basename, join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import {
  acquireRunLock,
  AdamW,
  applyGradients,
  builtSibling,
  CheckpointError,
  DataParallel,
  fsInputError,
  resolveWorkers,
  initBackend,
  PhaseState,
  S3petInputError,
  StandaloneRun,
  writeFileAtomic,
  writeJsonAtomic,
  type BackendInfo,
  type EvalScore,
  type EvalShard,
  type SearchHook,
  type StepOutcome,
} from "@s3pet/core";
import { POSITION_EMBEDDING_TYPES, type PositionEmbeddingType } from "../bert/bert-config.js";
import type { BertModel } from "../bert/bert-model.js";
import { saveBackbone } from "../checkpoint/save-backbone.js";
import type { MaskedLmHead } from "../heads/masked-lm-head.js";
import { renderModelCard } from "./model-card.js";
import { mlmData, MlmReplica, replicaData } from "./mlm-replica.js";
import type { MlmData } from "./prepare-mlm-data.js";
import { checkFingerprint, checkWorkers, type PretrainClock, type PretrainEval } from "./pretrain-checkpoint.js";
import type { PretrainReport } from "./pretrain-report.js";
import { readPretrainingCorpus, type PretrainingCorpus } from "./pretraining-corpus.js";

export interface PretrainMlmOptions {
  /** Output directory (HF layout). */
  readonly outDir: string;
  /** Optimizer steps. */
  readonly steps: number;
  /** @default 4 */
  readonly layers?: number;
  /** @default 128 */
  readonly hidden?: number;
  /** @default hidden / 32 (HEAD_DIM) */
  readonly heads?: number;
  /** @default 4 * hidden */
  readonly intermediate?: number;
  /** @default 8000 */
  readonly vocabSize?: number;
  /** How the encoder sees positions (config position_embedding_type). @default "absolute" */
  readonly positionEmbeddingType?: PositionEmbeddingType;
  /** Std of the normal init of kernels and embeddings (config initializer_range). @default 0.02 */
  readonly initializerRange?: number;
  /** Tokens per packed sequence; also max_position_embeddings. @default 128 */
  readonly seqLength?: number;
  /** Sequences per step. @default 16 */
  readonly batchSize?: number;
  /** Peak learning rate. @default 1e-3 */
  readonly learningRate?: number;
  /** @default 6% of steps */
  readonly warmupSteps?: number;
  /** @default 0.01 */
  readonly weightDecay?: number;
  /** @default 1 */
  readonly maxGradNorm?: number;
  /** @default 0.15 */
  readonly maskProb?: number;
  /** Steps between held-out evaluations (and always at the end). @default 100 */
  readonly evalEvery?: number;
  /** Held-out sequences per evaluation. @default 256 */
  readonly evalSequences?: number;
  /** @default 180 */
  readonly checkpointEverySeconds?: number;
  /** @default 0 */
  readonly seed?: number;
  /** Data-parallel units (this thread and workers - 1 worker threads); a run is deterministic for a given count. @default one per core */
  readonly workers?: number;
  /** Continue from `outDir`/checkpoints/. @default false */
  readonly resume?: boolean;
  /** A directory written by tools/corpus/prepare-corpus.mjs: its Debian sources join the npm ones. */
  readonly preparedDir?: string;
  /** @default readPretrainingCorpus({ preparedDir }) */
  readonly corpus?: PretrainingCorpus;
  /** The command line that ran this, recorded in the report and the model card. */
  readonly command?: string;
  /** Aborting it stops the run after its current step, with a checkpoint; `pretrainMlm` then returns null (continue with `resume`). */
  readonly signal?: AbortSignal;
}

export type PretrainProgress =
  | { readonly type: "data"; readonly vocabSize: number; readonly trainTokens: number; readonly trainSequences: number; readonly evalMasked: number; readonly baselineAccuracy: number }
  | { readonly type: "model"; readonly params: number; readonly description: string; readonly resumedAtStep: number | null }
  | { readonly type: "step"; readonly step: number; readonly steps: number; readonly loss: number; readonly learningRate: number; readonly gradNorm: number; readonly tokensPerSecond: number; readonly elapsedSeconds: number }
  | ({ readonly type: "eval" } & PretrainEval)
  | { readonly type: "checkpoint"; readonly step: number; readonly path: string }
  | { readonly type: "done"; readonly report: PretrainReport };

/** Dimensions per attention head when `heads` is not given (BERT-base: 768 / 12 = 64; small models use 32). */
const HEAD_DIM = 32;

/** The checkpoint of an unfinished run, relative to its output directory (the run-directory format). */
export const PRETRAIN_CHECKPOINT_FILE = join("checkpoints", "state.json");

type ResolvedOptions = Required<Omit<PretrainMlmOptions, "corpus" | "command" | "preparedDir" | "signal">> & Pick<PretrainMlmOptions, "corpus" | "command" | "preparedDir" | "signal">;

/** The finished run's report, or null when `signal` stopped it first (its checkpoint is saved). */
export async function pretrainMlm(options: PretrainMlmOptions, onProgress: (event: PretrainProgress) => void = () => {}): Promise<PretrainReport | null> {
  const o = resolveOptions(options);
  const checkpointPath = join(o.outDir, PRETRAIN_CHECKPOINT_FILE);
  const checkResume = () => {
    if (!o.resume && existsSync(checkpointPath)) {
      throw new S3petInputError(`${checkpointPath}: an unfinished run is there; pass --resume to continue it or delete the file`);
    }
    if (o.resume && !existsSync(checkpointPath)) {
      throw new CheckpointError(`${checkpointPath}: no checkpoint to resume; run without --resume to start fresh`);
    }
  };
  checkResume();
  // Read (and for a prepared corpus, verified against its manifest) before anything is written.
  const corpus = o.corpus ?? readPretrainingCorpus(o.preparedDir === undefined ? {} : { preparedDir: o.preparedDir });
  try {
    mkdirSync(o.outDir, { recursive: true });
  } catch (error) {
    throw fsInputError(error, o.outDir, "create the output directory");
  }
  // One writer per directory; checked again under the lock, as another pretrain may have just left a checkpoint.
  const lock = acquireRunLock(o.outDir, "pretrain");
  try {
    checkResume();
    return await pretrainLocked(o, corpus, onProgress);
  } finally {
    lock.release();
  }
}

async function pretrainLocked(o: ResolvedOptions, corpus: PretrainingCorpus, onProgress: (event: PretrainProgress) => void): Promise<PretrainReport | null> {
  const backend = await initBackend();
  const data = mlmData(o, corpus);
  if (data.train.count < o.batchSize) {
    throw new S3petInputError(`the corpus gives ${data.train.count} training sequences, fewer than batchSize ${o.batchSize}`);
  }
  onProgress({
    type: "data",
    vocabSize: data.vocab.tokens.length,
    trainTokens: data.trainTokens,
    trainSequences: data.train.count,
    evalMasked: data.heldOut.masked.labels.length,
    baselineAccuracy: data.frequencyBaseline.accuracy,
  });

  mkdirSync(join(o.outDir, "checkpoints"), { recursive: true });
  if (!o.resume) rmSync(join(o.outDir, "events.jsonl"), { force: true }); // a previous finished run's
  const engine = new StandaloneRun({ outDir: o.outDir, metric: "masked-token accuracy", checkpointEvery: null, hooks: [checkpointClock(o.checkpointEverySeconds)] });
  const toProgress = engine.events$.subscribe((e) => {
    if (e.type === "checkpoint") onProgress({ type: "checkpoint", step: e.step, path: e.path });
  });
  const run = new MlmRun(o, data, new Date().toISOString());
  const stop = () => engine.stop();
  o.signal?.addEventListener("abort", stop, { once: true });
  try {
    await run.startWorkers();
    const ckpt = o.resume ? engine.load<PretrainClock>() : null;
    if (ckpt) run.restoreClock(ckpt.state.body.phase);
    onProgress({ type: "model", params: run.model.paramCount(), description: run.model.description, resumedAtStep: ckpt ? ckpt.state.step : null });
    await engine.start({ name: basename(o.outDir), command: "pretrain", backbone: run.model.description, task: "masked-lm", metric: "masked-token accuracy", backend: backend.name, methods: [], budget: null, backboneParams: run.model.paramCount(), seed: o.seed }, ckpt !== null);
    if (o.signal?.aborted) engine.stop(); // aborted while the data and workers were being prepared
    const result = await engine.run(run.phase(onProgress), ckpt);
    if (result.status === "stopped") {
      await engine.end("stopped");
      return null;
    }
    const prepared = data.heldOutPrepared === null ? null : await run.evaluate("test");
    const report = buildReport(o, corpus, data, run, backend, prepared);
    tf.tidy(() =>
      saveBackbone(o.outDir, run.model, {
        tokenizer: data.tokenizer,
        extraTensors: run.head.hfTensors(),
        metadata: { pretrained_by: "s3pet pretrain" },
      }),
    );
    writeJsonAtomic(join(o.outDir, "pretrain-report.json"), report);
    writeFileAtomic(join(o.outDir, "README.md"), renderModelCard(report));
    rmSync(join(o.outDir, "checkpoints"), { recursive: true, force: true });
    await engine.end("done");
    onProgress({ type: "done", report });
    return report;
  } catch (error) {
    await engine.end("failed").catch(() => undefined);
    throw error;
  } finally {
    o.signal?.removeEventListener("abort", stop);
    toProgress.unsubscribe();
    await run.dispose();
  }
}

/** Asks for a checkpoint whenever `seconds` have passed since the last request (0: every step). */
function checkpointClock(seconds: number): SearchHook {
  let last = performance.now();
  return {
    name: "pretrain:checkpoint-clock",
    onStep: (event, ctx) => {
      if (event.step >= event.totalSteps || performance.now() - last < seconds * 1000) return;
      last = performance.now();
      ctx.requestCheckpoint();
    },
  };
}

/** The model, head and optimizer of one run, its clock and eval history, and its training phase. */
class MlmRun {
  readonly replica: MlmReplica;
  /** Wall-clock seconds of training and evaluation, over all sessions. */
  elapsedSeconds = 0;
  /** Seconds inside training steps, over all sessions. */
  trainSeconds = 0;
  /** CPU seconds (user + system) of training and evaluation, over all sessions: the machine-independent cost. */
  cpuSeconds = 0;
  readonly evals: PretrainEval[] = [];
  private readonly adam: AdamW;
  private readonly fingerprint: string;
  private pool: DataParallel | null = null;

  constructor(
    private readonly o: ResolvedOptions,
    private readonly data: MlmData,
    /** ISO time the run started (the first session's, once restored). */
    public startedAt: string,
  ) {
    this.replica = new MlmReplica(o, replicaData(data));
    // BERT decays weights only: not biases, LayerNorm parameters or the decoder bias.
    const undecayed = /(\.bias|LayerNorm\.weight|norm(Gamma|Beta)|Bias)$/;
    const params = this.replica.params().map((p) => (undecayed.test(p.key) ? { ...p, weightDecay: 0 } : p));
    this.adam = new AdamW(params, {
      lr: o.learningRate,
      weightDecay: o.weightDecay,
      maxGradNorm: o.maxGradNorm > 0 ? o.maxGradNorm : Infinity,
      totalSteps: o.steps,
      warmupSteps: o.warmupSteps,
      eps: 1e-6, // BERT's
    });
    this.fingerprint = JSON.stringify({
      layers: o.layers, hidden: o.hidden, heads: o.heads, intermediate: o.intermediate, vocabSize: this.model.config.vocabSize, initializerRange: o.initializerRange,
      // Only when not the default, so checkpoints from before the option resume.
      ...(o.positionEmbeddingType === "absolute" ? {} : { positionEmbeddingType: o.positionEmbeddingType }),
      seqLength: o.seqLength, batchSize: o.batchSize, steps: o.steps, learningRate: o.learningRate, warmupSteps: o.warmupSteps,
      weightDecay: o.weightDecay, maxGradNorm: o.maxGradNorm, maskProb: o.maskProb, seed: o.seed,
      trainTokens: data.trainTokens, trainSequences: data.train.count,
    });
  }

  get model(): BertModel {
    return this.replica.model;
  }

  get head(): MaskedLmHead {
    return this.replica.head;
  }

  /** The data-parallel units: this thread's replica and o.workers - 1 worker threads with their own. */
  async startWorkers(): Promise<void> {
    const { corpus: _corpus, command: _command, preparedDir: _preparedDir, signal: _signal, ...options } = this.o;
    const recipe = { module: builtSibling(import.meta.url, "mlm-replica"), export: "mlmReplica", args: { options, data: this.replica.data } };
    this.pool = await DataParallel.start(this.replica, this.o.workers, recipe, null);
  }

  /** The clock and eval history of a checkpoint (its settings must match this run's). */
  restoreClock(saved: PretrainClock): void {
    checkFingerprint(join(this.o.outDir, "checkpoints"), saved.fingerprint, this.fingerprint);
    checkWorkers(join(this.o.outDir, "checkpoints"), saved.workers, this.o.workers);
    this.startedAt = saved.startedAt ?? this.startedAt;
    this.elapsedSeconds = saved.elapsedSeconds;
    this.trainSeconds = saved.trainSeconds;
    this.cpuSeconds = saved.cpuSeconds;
    this.evals.push(...saved.evals);
  }

  /** The training phase on the engine's loop: one step per batch, a held-out evaluation every evalEvery steps. */
  phase(onProgress: (event: PretrainProgress) => void) {
    const o = this.o;
    const tokensPerStep = o.batchSize * o.seqLength;
    let sessionStart = performance.now();
    let cpuStart = process.cpuUsage();
    const clock = (): void => {
      const now = performance.now();
      const cpu = process.cpuUsage(cpuStart);
      this.elapsedSeconds += (now - sessionStart) / 1000;
      this.cpuSeconds += (cpu.user + cpu.system) / 1e6;
      sessionStart = now;
      cpuStart = process.cpuUsage();
    };
    let lossSum = 0;
    let lossSteps = 0;
    return {
      phase: "pretrain" as const,
      totalSteps: o.steps,
      evalEvery: o.evalEvery,
      state: new PhaseState(this.replica.params(), { weights: this.adam }),
      // The workers built their replicas from the seed; a resumed run's first step needs the checkpoint's weights there too.
      restored: () => this.pool!.sync("weights"),
      step: async (k: number): Promise<StepOutcome> => {
        const learningRate = this.adam.lrNow();
        const started = performance.now();
        const pool = this.pool!;
        const rows = Array.from({ length: o.batchSize }, (_, i) => i);
        const { loss, gradNorm } = applyGradients(this.adam, await pool.gradients(rows, { noise: null, wrt: "weights", step: k, pass: 0, where: `pretrain step ${k}` }), `pretrain step ${k}`);
        pool.sync("weights");
        this.trainSeconds += (performance.now() - started) / 1000;
        lossSum += loss;
        lossSteps++;
        clock();
        onProgress({ type: "step", step: k, steps: o.steps, loss, learningRate, gradNorm, tokensPerSecond: (tokensPerStep * k) / this.trainSeconds, elapsedSeconds: this.elapsedSeconds });
        return { loss, lr: learningRate, tokens: tokensPerStep };
      },
      validate: async (): Promise<EvalScore> => {
        const step = this.adam.step;
        const entry: PretrainEval = { step, ...(await this.evaluate()), trainLoss: lossSum / lossSteps };
        this.evals.push(entry);
        lossSum = 0;
        lossSteps = 0;
        clock();
        onProgress({ type: "eval", ...entry });
        return { score: entry.accuracy, loss: entry.loss, examples: this.data.heldOut.masked.labels.length };
      },
      body: (): PretrainClock => {
        clock();
        return {
          startedAt: this.startedAt,
          elapsedSeconds: this.elapsedSeconds,
          trainSeconds: this.trainSeconds,
          cpuSeconds: this.cpuSeconds,
          evals: this.evals,
          fingerprint: this.fingerprint,
          workers: this.o.workers,
        };
      },
    };
  }

  /**
   * Held-out MLM loss (mean over the masked positions) and accuracy, forward only, sharded over the
   * units: "validation" is the npm sources' held-out set, "test" the prepared sources'.
   */
  async evaluate(split: "validation" | "test" = "validation"): Promise<{ loss: number; accuracy: number }> {
    const set = split === "test" ? this.data.heldOutPrepared! : this.data.heldOut;
    const shards = await this.pool!.evaluateShards(split, set.sequences.count, null, this.o.batchSize);
    const total = set.masked.labels.length;
    const sum = (f: (s: EvalShard) => number) => shards.reduce((a, s) => a + f(s), 0);
    return { loss: sum((s) => s.lossSum) / total, accuracy: sum((s) => s.predictions[0]!) / total };
  }

  async dispose(): Promise<void> {
    await this.pool?.dispose();
    this.adam.dispose();
    this.replica.dispose();
  }
}

function buildReport(
  o: ResolvedOptions,
  corpus: PretrainingCorpus,
  data: MlmData,
  run: MlmRun,
  backend: BackendInfo,
  prepared: { loss: number; accuracy: number } | null,
): PretrainReport {
  const final = run.evals[run.evals.length - 1]!;
  const config = run.model.config;
  const tokensPerStep = o.batchSize * o.seqLength;
  return {
    model: {
      architecture: "BertForMaskedLM (no pooler, MLM head tied to the word embeddings)",
      layers: config.numLayers,
      hidden: config.hiddenSize,
      heads: config.numHeads,
      intermediate: config.intermediateSize,
      vocabSize: config.vocabSize,
      maxPositions: config.maxPositions,
      positionEmbeddingType: config.positionEmbeddingType,
      encoderParams: run.model.paramCount(),
      headParams: run.head.variables().reduce((n, v) => n + v.size, 0),
    },
    corpus: {
      sources: corpus.sources,
      heldOutRule: corpus.heldOutRule,
      trainDocuments: corpus.train.length,
      heldOutDocuments: corpus.heldOut.length,
      trainTokens: data.trainTokens,
      heldOutTokens: data.heldOutTokens,
      trainSequences: data.train.count,
      evalSequences: data.heldOut.sequences.count,
      evalMaskedTokens: data.heldOut.masked.labels.length,
      ...(corpus.prepared ? { prepared: corpus.prepared } : {}),
    },
    vocab: { size: data.vocab.tokens.length, alphabetSize: data.vocab.alphabetSize, merges: data.vocab.merges, lowerCase: true },
    training: {
      steps: o.steps,
      batchSize: o.batchSize,
      seqLength: o.seqLength,
      tokensPerStep,
      epochs: (o.steps * o.batchSize) / data.train.count,
      learningRate: o.learningRate,
      warmupSteps: o.warmupSteps,
      weightDecay: o.weightDecay,
      maxGradNorm: o.maxGradNorm,
      maskProb: o.maskProb,
      dropout: 0,
      seed: o.seed,
      workers: o.workers,
      seconds: run.elapsedSeconds,
      trainSeconds: run.trainSeconds,
      cpuSeconds: run.cpuSeconds,
      tokensPerSecond: (tokensPerStep * o.steps) / run.trainSeconds,
    },
    heldOut: { loss: final.loss, accuracy: final.accuracy, perplexity: Math.exp(final.loss), frequencyBaseline: data.frequencyBaseline },
    ...(prepared === null || data.heldOutPrepared === null
      ? {}
      : {
          heldOutPrepared: {
            ...prepared,
            documents: corpus.heldOutPrepared.length,
            tokens: data.heldOutPrepared.tokens,
            evalSequences: data.heldOutPrepared.sequences.count,
            evalMaskedTokens: data.heldOutPrepared.masked.labels.length,
          },
        }),
    evals: run.evals,
    command: o.command ?? "",
    backend,
    date: run.startedAt,
    resumed: o.resume,
  };
}

function resolveOptions(options: PretrainMlmOptions): ResolvedOptions {
  const hidden = options.hidden ?? 128;
  const steps = options.steps;
  const o: ResolvedOptions = {
    outDir: options.outDir,
    steps,
    layers: options.layers ?? 4,
    hidden,
    heads: options.heads ?? Math.max(1, Math.floor(hidden / HEAD_DIM)),
    intermediate: options.intermediate ?? 4 * hidden,
    vocabSize: options.vocabSize ?? 8000,
    positionEmbeddingType: options.positionEmbeddingType ?? "absolute",
    initializerRange: options.initializerRange ?? 0.02,
    seqLength: options.seqLength ?? 128,
    batchSize: options.batchSize ?? 16,
    learningRate: options.learningRate ?? 1e-3,
    warmupSteps: options.warmupSteps ?? Math.max(1, Math.round(0.06 * steps)),
    weightDecay: options.weightDecay ?? 0.01,
    maxGradNorm: options.maxGradNorm ?? 1,
    maskProb: options.maskProb ?? 0.15,
    evalEvery: options.evalEvery ?? 100,
    evalSequences: options.evalSequences ?? 256,
    checkpointEverySeconds: options.checkpointEverySeconds ?? 180,
    seed: options.seed ?? 0,
    resume: options.resume ?? false,
    workers: resolveWorkers(options.workers ?? null, true),
    corpus: options.corpus,
    ...(options.preparedDir === undefined ? {} : { preparedDir: options.preparedDir }),
    command: options.command,
    signal: options.signal,
  };
  // Named by their `s3pet pretrain` flag where there is one, else by the option.
  const positiveInts = {
    steps: "--steps", layers: "--layers", hidden: "--hidden", vocabSize: "--vocab-size", heads: "heads", intermediate: "intermediate",
    seqLength: "seqLength", batchSize: "batchSize", evalEvery: "evalEvery", evalSequences: "evalSequences",
  } as const;
  for (const [key, flag] of Object.entries(positiveInts)) {
    const value = o[key as keyof typeof positiveInts];
    if (!Number.isInteger(value) || value <= 0) throw new S3petInputError(`${flag} must be a positive integer, got ${value}`);
  }
  if (o.hidden % o.heads !== 0) {
    throw new S3petInputError(
      options.heads === undefined
        ? `--hidden ${o.hidden} must be a multiple of ${HEAD_DIM} (one attention head per ${HEAD_DIM} dimensions)`
        : `--hidden ${o.hidden} must be divisible by the number of heads ${o.heads}`,
    );
  }
  if (!(POSITION_EMBEDDING_TYPES as readonly string[]).includes(o.positionEmbeddingType)) {
    throw new S3petInputError(`--position-embedding-type must be one of ${POSITION_EMBEDDING_TYPES.join(", ")}, got ${String(o.positionEmbeddingType)}`);
  }
  if (o.vocabSize < 64) throw new S3petInputError(`--vocab-size must be at least 64, got ${o.vocabSize}`);
  if (o.seqLength < 16) throw new S3petInputError(`seqLength must be at least 16, got ${o.seqLength}`);
  if (!(o.learningRate > 0)) throw new S3petInputError(`learningRate must be > 0, got ${o.learningRate}`);
  if (!(o.maskProb > 0 && o.maskProb < 1)) throw new S3petInputError(`maskProb must be in (0, 1), got ${o.maskProb}`);
  if (!Number.isInteger(o.seed)) throw new S3petInputError(`--seed must be an integer, got ${o.seed}`);
  return o;
}
