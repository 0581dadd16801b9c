// pretrainMlm: trains a small BERT from scratch with masked-LM on the npm-shipped English corpus and
// saves it in the Hugging Face layout (config.json, model.safetensors with the MLM head, vocab.txt,
// tokenizer_config.json) plus pretrain-report.json and the model card README.md built from it.
// Recipe (Devlin et al. 2019 without NSP, RoBERTa-style full-length packing): 15% masking 80/10/10,
// logits only at the masked positions, AdamW with linear warmup and decay, global-norm clipping.
// A checkpoint is written every few minutes, so a killed run continues with `resume`.
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { acquireRunLock, CheckpointError, fsInputError, initBackend, S3petInputError, SeededRng, writeFileAtomic, writeJsonAtomic, type BackendInfo, type EncodedBatch } from "@s3pet/core";
import { defineBertConfig } from "../bert/bert-config.js";
import type { BertModel } from "../bert/bert-model.js";
import { initRandomBertModel } from "../bert/init-random-bert.js";
import { saveBackbone } from "../checkpoint/save-backbone.js";
import { createMaskedLmHead, type MaskedLmHead } from "../heads/masked-lm-head.js";
import { AdamW, warmupLinearDecay } from "./adam-w.js";
import { SPECIAL_TOKENS } from "./learn-word-piece-vocab.js";
import { maskTokens, type MaskedBatch } from "./mask-tokens.js";
import { maskedLmLoss } from "./masked-lm-loss.js";
import { renderModelCard } from "./model-card.js";
import { prepareMlmData, type MlmData } from "./prepare-mlm-data.js";
import { readPretrainCheckpoint, writePretrainCheckpoint, type PretrainEval } from "./pretrain-checkpoint.js";
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
  /** Continue from `outDir`/pretrain-checkpoint.safetensors. @default false */
  readonly resume?: boolean;
  /** @default readPretrainingCorpus() */
  readonly corpus?: PretrainingCorpus;
  /** The command line that ran this, recorded in the report and the model card. */
  readonly command?: string;
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

export const PRETRAIN_CHECKPOINT_FILE = "pretrain-checkpoint.safetensors";

type ResolvedOptions = Required<Omit<PretrainMlmOptions, "corpus" | "command">> & Pick<PretrainMlmOptions, "corpus" | "command">;

export async function pretrainMlm(options: PretrainMlmOptions, onProgress: (event: PretrainProgress) => void = () => {}): Promise<PretrainReport> {
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
  try {
    mkdirSync(o.outDir, { recursive: true });
  } catch (error) {
    throw fsInputError(error, o.outDir, "create the output directory");
  }
  // One writer per directory; checked again under the lock, as another pretrain may have just left a checkpoint.
  const lock = acquireRunLock(o.outDir, "pretrain");
  try {
    checkResume();
    return await pretrainLocked(o, checkpointPath, onProgress);
  } finally {
    lock.release();
  }
}

async function pretrainLocked(o: ResolvedOptions, checkpointPath: string, onProgress: (event: PretrainProgress) => void): Promise<PretrainReport> {
  const backend = await initBackend();
  const corpus = o.corpus ?? readPretrainingCorpus();
  const rng = new SeededRng(o.seed);
  const data = prepareMlmData(corpus, { vocabSize: o.vocabSize, seqLength: o.seqLength, evalSequences: o.evalSequences, maskProb: o.maskProb }, rng.fork("data"));
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

  const run = new MlmRun(o, data, rng, checkpointPath, new Date().toISOString());
  try {
    if (o.resume) run.restore();
    onProgress({ type: "model", params: run.model.paramCount(), description: run.model.description, resumedAtStep: o.resume ? run.step : null });
    run.train(onProgress);
    const report = buildReport(o, corpus, data, run, backend);
    tf.tidy(() =>
      saveBackbone(o.outDir, run.model, {
        tokenizer: data.tokenizer,
        extraTensors: run.head.hfTensors(),
        metadata: { pretrained_by: "s3pet pretrain" },
      }),
    );
    writeJsonAtomic(join(o.outDir, "pretrain-report.json"), report);
    writeFileAtomic(join(o.outDir, "README.md"), renderModelCard(report));
    rmSync(checkpointPath, { force: true });
    onProgress({ type: "done", report });
    return report;
  } finally {
    run.dispose();
  }
}

/** The model, head and optimizer of one run, its step and clock, and what a checkpoint holds. */
class MlmRun {
  readonly model: BertModel;
  readonly head: MaskedLmHead;
  step = 0;
  /** Wall-clock seconds of training and evaluation, over all sessions. */
  elapsedSeconds = 0;
  /** Seconds inside training steps, over all sessions. */
  trainSeconds = 0;
  /** CPU seconds (user + system) of training and evaluation, over all sessions: the machine-independent cost. */
  cpuSeconds = 0;
  readonly evals: PretrainEval[] = [];
  private readonly adam: AdamW;
  /** Every trainable variable by checkpoint name (`encoder.<HF name>`, `head.<field>`). */
  private readonly named: Record<string, tf.Variable> = {};
  private readonly params: tf.Variable[];
  private readonly fingerprint: string;
  private readonly batches: TrainBatches;

  constructor(
    private readonly o: ResolvedOptions,
    private readonly data: MlmData,
    rng: SeededRng,
    private readonly checkpointPath: string,
    /** ISO time the run started (the first session's, once restored). */
    public startedAt: string,
  ) {
    const config = defineBertConfig({
      vocabSize: data.vocab.tokens.length,
      hiddenSize: o.hidden,
      numLayers: o.layers,
      numHeads: o.heads,
      intermediateSize: o.intermediate,
      maxPositions: o.seqLength,
      typeVocabSize: 2,
      initializerRange: o.initializerRange,
    });
    // No pooler: nothing in MLM trains it, and without one pooledOutput is the [CLS] hidden state.
    this.model = initRandomBertModel(config, { seed: rng.fork("init-encoder").nextSeed(), pooler: false });
    this.head = createMaskedLmHead(config, { seed: rng.fork("init-head").nextSeed() });
    for (const { spec, tensor } of this.model.namedWeights()) this.named[`encoder.${spec.name}`] = tensor as tf.Variable;
    for (const [field, v] of Object.entries(this.head.weights)) this.named[`head.${field}`] = v;
    const names = Object.keys(this.named);
    this.params = names.map((n) => this.named[n]!);
    // BERT decays weights only: not biases, LayerNorm parameters or the decoder bias.
    const decayed = names.map((n) => !/(\.bias|LayerNorm\.weight|norm(Gamma|Beta)|Bias)$/.test(n));
    this.adam = new AdamW(this.params, decayed, { weightDecay: o.weightDecay, maxGradNorm: o.maxGradNorm });
    this.batches = new TrainBatches(data, o, rng);
    this.fingerprint = JSON.stringify({
      layers: o.layers, hidden: o.hidden, heads: o.heads, intermediate: o.intermediate, vocabSize: config.vocabSize, initializerRange: o.initializerRange,
      seqLength: o.seqLength, batchSize: o.batchSize, steps: o.steps, learningRate: o.learningRate, warmupSteps: o.warmupSteps,
      weightDecay: o.weightDecay, maxGradNorm: o.maxGradNorm, maskProb: o.maskProb, seed: o.seed,
      trainTokens: data.trainTokens, trainSequences: data.train.count,
    });
  }

  restore(): void {
    const state = readPretrainCheckpoint(this.checkpointPath, this.checkpointTensors(), this.fingerprint);
    this.adam.resumeAt(state.step);
    this.step = state.step;
    this.startedAt = state.startedAt ?? this.startedAt;
    this.elapsedSeconds = state.elapsedSeconds;
    this.trainSeconds = state.trainSeconds;
    this.cpuSeconds = state.cpuSeconds;
    this.evals.push(...state.evals);
  }

  /** Trains from the current step to the last, evaluating and checkpointing on the way. */
  train(onProgress: (event: PretrainProgress) => void): void {
    const o = this.o;
    const tokensPerStep = o.batchSize * o.seqLength;
    let sessionStart = performance.now();
    let cpuStart = process.cpuUsage();
    let lastCheckpoint = sessionStart;
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
    while (this.step < o.steps) {
      const learningRate = warmupLinearDecay(this.step, o.learningRate, o.warmupSteps, o.steps);
      const { batch, masked } = this.batches.at(this.step);
      const started = performance.now();
      const { loss, gradNorm } = tf.tidy(() => {
        const { value, grads } = tf.variableGrads(() => maskedLmLoss(this.model, this.head, batch, masked).loss, this.params);
        const { gradNorm } = this.adam.apply(this.params.map((p) => grads[p.name]!), learningRate);
        return { loss: value.dataSync()[0]!, gradNorm };
      });
      this.trainSeconds += (performance.now() - started) / 1000;
      this.step++;
      if (!Number.isFinite(loss)) throw new Error(`pretrain: the loss diverged at step ${this.step} (${loss}); lower the learning rate`);
      lossSum += loss;
      lossSteps++;
      clock();
      onProgress({
        type: "step",
        step: this.step,
        steps: o.steps,
        loss,
        learningRate,
        gradNorm,
        tokensPerSecond: (tokensPerStep * this.step) / this.trainSeconds,
        elapsedSeconds: this.elapsedSeconds,
      });
      if (this.step % o.evalEvery === 0 || this.step === o.steps) {
        const entry: PretrainEval = { step: this.step, ...this.evaluate(), trainLoss: lossSum / lossSteps };
        this.evals.push(entry);
        lossSum = 0;
        lossSteps = 0;
        clock();
        onProgress({ type: "eval", ...entry });
      }
      if (this.step < o.steps && performance.now() - lastCheckpoint >= o.checkpointEverySeconds * 1000) {
        clock();
        writePretrainCheckpoint(this.checkpointPath, this.checkpointTensors(), {
          step: this.step,
          startedAt: this.startedAt,
          elapsedSeconds: this.elapsedSeconds,
          trainSeconds: this.trainSeconds,
          cpuSeconds: this.cpuSeconds,
          evals: this.evals,
          fingerprint: this.fingerprint,
        });
        lastCheckpoint = performance.now();
        onProgress({ type: "checkpoint", step: this.step, path: this.checkpointPath });
      }
    }
    clock();
  }

  /** Held-out MLM loss (mean over the masked positions) and accuracy, forward only. */
  evaluate(): { loss: number; accuracy: number } {
    const { sequences, masked } = this.data.heldOut;
    const T = sequences.seqLength;
    const B = this.o.batchSize;
    let lossSum = 0;
    let correct = 0;
    let j = 0; // next index into masked.positions (ascending)
    for (let first = 0; first < sequences.count; first += B) {
      const rows = Math.min(B, sequences.count - first);
      const start = first * T;
      const end = (first + rows) * T;
      const from = j;
      while (j < masked.positions.length && masked.positions[j]! < end) j++;
      if (j === from) continue;
      const positions = masked.positions.slice(from, j).map((p) => p - start);
      const labels = masked.labels.slice(from, j);
      const batch = encodedBatch(masked.inputIds.slice(start, end), sequences.tokenTypeIds.slice(start, end), rows, T);
      const [loss, hits] = tf.tidy(() => {
        const r = maskedLmLoss(this.model, this.head, batch, { positions, labels });
        return [r.loss.dataSync()[0]!, r.correct.dataSync()[0]!];
      });
      lossSum += loss * labels.length;
      correct += hits;
    }
    const total = masked.labels.length;
    return { loss: lossSum / total, accuracy: correct / total };
  }

  dispose(): void {
    this.adam.dispose();
    this.head.dispose();
    this.model.dispose();
  }

  private checkpointTensors(): Record<string, tf.Variable> {
    return { ...this.named, ...prefixed("adam.", this.adam.slots()) };
  }
}

function buildReport(o: ResolvedOptions, corpus: PretrainingCorpus, data: MlmData, run: MlmRun, backend: BackendInfo): PretrainReport {
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
      seconds: run.elapsedSeconds,
      trainSeconds: run.trainSeconds,
      cpuSeconds: run.cpuSeconds,
      tokensPerSecond: (tokensPerStep * o.steps) / run.trainSeconds,
    },
    heldOut: { loss: final.loss, accuracy: final.accuracy, perplexity: Math.exp(final.loss), frequencyBaseline: data.frequencyBaseline },
    evals: run.evals,
    command: o.command ?? "",
    backend,
    date: run.startedAt,
    resumed: o.resume,
  };
}

/** The batch of a step: epoch-wise seeded shuffles of the packed sequences, masking seeded by step. */
class TrainBatches {
  private epoch = -1;
  private order: number[] = [];

  constructor(
    private readonly data: MlmData,
    private readonly o: ResolvedOptions,
    private readonly rng: SeededRng,
  ) {}

  at(step: number): { batch: EncodedBatch; masked: MaskedBatch } {
    const { train } = this.data;
    const B = this.o.batchSize;
    const T = train.seqLength;
    const inputIds = new Int32Array(B * T);
    const tokenTypeIds = new Int32Array(B * T);
    for (let b = 0; b < B; b++) {
      const sample = step * B + b;
      const row = this.row(sample);
      inputIds.set(train.inputIds.subarray(row * T, (row + 1) * T), b * T);
      tokenTypeIds.set(train.tokenTypeIds.subarray(row * T, (row + 1) * T), b * T);
    }
    const masked = maskTokens(
      inputIds,
      { maskId: SPECIAL_TOKENS.indexOf("[MASK]"), vocabSize: this.data.vocab.tokens.length, numSpecialTokens: SPECIAL_TOKENS.length, maskProb: this.o.maskProb },
      this.rng.fork(`mask-${step}`),
    );
    return { batch: encodedBatch(masked.inputIds, tokenTypeIds, B, T), masked };
  }

  private row(sample: number): number {
    const n = this.data.train.count;
    const epoch = Math.floor(sample / n);
    if (epoch !== this.epoch) {
      this.epoch = epoch;
      this.order = this.rng.fork(`epoch-${epoch}`).shuffle(Array.from({ length: n }, (_, i) => i));
    }
    return this.order[sample % n]!;
  }
}

function encodedBatch(inputIds: Int32Array, tokenTypeIds: Int32Array, batch: number, length: number): EncodedBatch {
  return { batch, length, inputIds, tokenTypeIds, attentionMask: new Int32Array(batch * length).fill(1) };
}

function prefixed<T>(prefix: string, record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [prefix + k, v]));
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
    corpus: options.corpus,
    command: options.command,
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
  if (o.vocabSize < 64) throw new S3petInputError(`--vocab-size must be at least 64, got ${o.vocabSize}`);
  if (o.seqLength < 16) throw new S3petInputError(`seqLength must be at least 16, got ${o.seqLength}`);
  if (!(o.learningRate > 0)) throw new S3petInputError(`learningRate must be > 0, got ${o.learningRate}`);
  if (!(o.maskProb > 0 && o.maskProb < 1)) throw new S3petInputError(`maskProb must be in (0, 1), got ${o.maskProb}`);
  if (!Number.isInteger(o.seed)) throw new S3petInputError(`--seed must be an integer, got ${o.seed}`);
  return o;
}
