// MlmReplica: one data-parallel unit of MLM pretraining (core's ShardReplica): the encoder and MLM
// head built from the run's seeds, the step's batch (epoch-wise seeded shuffles of the packed
// sequences, masking seeded by step), the loss and gradients of a shard of its rows, and held-out
// scoring of a range of sequences. The main thread owns one; `mlmReplica` (the worker recipe) builds
// an identical one in each worker thread from the same options.
import * as tf from "@tensorflow/tfjs";
import { SeededRng, type EncodedBatch, type EvalShard, type NamedParam, type ShardGradients, type ShardReplica, type ShardRequest } from "@s3pet/core";
import { defineBertConfig, type PositionEmbeddingType } from "../bert/bert-config.js";
import type { BertModel } from "../bert/bert-model.js";
import { initRandomBertModel } from "../bert/init-random-bert.js";
import { createMaskedLmHead, type MaskedLmHead } from "../heads/masked-lm-head.js";
import { SPECIAL_TOKENS } from "./learn-word-piece-vocab.js";
import { maskTokens, type MaskedBatch } from "./mask-tokens.js";
import { maskedLmLoss } from "./masked-lm-loss.js";
import { prepareMlmData, type MlmData } from "./prepare-mlm-data.js";
import type { PretrainingCorpus } from "./pretraining-corpus.js";

/** The settings a replica depends on (plain data, sent to workers as they are). */
export interface MlmReplicaOptions {
  readonly layers: number;
  readonly hidden: number;
  readonly heads: number;
  readonly intermediate: number;
  readonly vocabSize: number;
  readonly positionEmbeddingType: PositionEmbeddingType;
  readonly initializerRange: number;
  readonly seqLength: number;
  readonly batchSize: number;
  readonly evalSequences: number;
  readonly maskProb: number;
  readonly seed: number;
}

/** The data of a run, from its corpus and root seed (the same in every unit). */
export function mlmData(o: MlmReplicaOptions, corpus: PretrainingCorpus): MlmData {
  return prepareMlmData(corpus, { vocabSize: o.vocabSize, seqLength: o.seqLength, evalSequences: o.evalSequences }, new SeededRng(o.seed).fork("data"));
}

/**
 * What a replica reads of the run's data: typed arrays and numbers only, so the main thread prepares
 * it once (learning the vocabulary and tokenising a wide corpus takes minutes) and sends it to each
 * worker as it is.
 */
export interface MlmReplicaData {
  readonly vocabSize: number;
  readonly train: MlmData["train"];
  /** Scored as the "validation" split. */
  readonly heldOut: MlmData["heldOut"];
  /** Scored as the "test" split: the prepared sources' held-out documents; null without them. */
  readonly heldOutPrepared: MlmData["heldOutPrepared"];
}

export function replicaData(data: MlmData): MlmReplicaData {
  return { vocabSize: data.vocab.tokens.length, train: data.train, heldOut: data.heldOut, heldOutPrepared: data.heldOutPrepared };
}

/** The worker-recipe export: an identical replica on the main thread's data, inside a worker thread. */
export function mlmReplica(args: { options: MlmReplicaOptions; data: MlmReplicaData }): MlmReplica {
  return new MlmReplica(args.options, args.data);
}

export class MlmReplica implements ShardReplica {
  readonly model: BertModel;
  readonly head: MaskedLmHead;
  /** Every trainable variable by checkpoint name (`encoder.<HF name>`, `head.<field>`). */
  private readonly named: NamedParam[];
  private readonly batches: TrainBatches;

  constructor(
    o: MlmReplicaOptions,
    readonly data: MlmReplicaData,
  ) {
    const rng = new SeededRng(o.seed);
    const config = defineBertConfig({
      vocabSize: data.vocabSize,
      hiddenSize: o.hidden,
      numLayers: o.layers,
      numHeads: o.heads,
      intermediateSize: o.intermediate,
      maxPositions: o.seqLength,
      positionEmbeddingType: o.positionEmbeddingType,
      typeVocabSize: 2,
      initializerRange: o.initializerRange,
    });
    // No pooler: nothing in MLM trains it, and without one pooledOutput is the [CLS] hidden state.
    this.model = initRandomBertModel(config, { seed: rng.fork("init-encoder").nextSeed(), pooler: false });
    this.head = createMaskedLmHead(config, { seed: rng.fork("init-head").nextSeed() });
    this.named = [
      ...this.model.namedWeights().map(({ spec, tensor }) => ({ key: `encoder.${spec.name}`, variable: tensor as tf.Variable })),
      ...Object.entries(this.head.weights).map(([field, variable]) => ({ key: `head.${field}`, variable })),
    ];
    this.batches = new TrainBatches(data, o, rng);
  }

  params(): NamedParam[] {
    return this.named;
  }

  /** Rows `req.examples` (contiguous) of step `req.step`'s batch; the loss is the mean over the whole batch's masked positions. */
  gradients(req: ShardRequest): ShardGradients<tf.Tensor> {
    const { batch, masked } = this.batches.at(req.step - 1);
    const T = batch.length;
    const first = req.examples[0]!;
    const rows = req.examples.length;
    const [lo, hi] = [first * T, (first + rows) * T];
    const keep = Array.from(masked.positions.keys()).filter((i) => masked.positions[i]! >= lo && masked.positions[i]! < hi);
    const tokens = rows * T;
    if (keep.length === 0) return { loss: 0, tokens, grads: {} };
    const shard = encodedBatch(batch.inputIds.slice(lo, hi), batch.tokenTypeIds.slice(lo, hi), rows, T);
    const shardMasked = { positions: Int32Array.from(keep, (i) => masked.positions[i]! - lo), labels: Int32Array.from(keep, (i) => masked.labels[i]!) };
    const share = keep.length / masked.labels.length;
    return tf.tidy(() => {
      const vars = this.named.map((p) => p.variable);
      const { value, grads } = tf.variableGrads(() => tf.mul(maskedLmLoss(this.model, this.head, shard, shardMasked).loss, share) as tf.Scalar, vars);
      const out: Record<string, tf.Tensor> = {};
      for (const p of this.named) if (grads[p.variable.name]) out[p.key] = grads[p.variable.name]!;
      return { loss: value.dataSync()[0]!, tokens, grads: out };
    });
  }

  /**
   * Held-out sequences [start, end) of "validation" (the npm sources' held-out documents) or "test"
   * (the prepared sources'): predictions = [masked positions predicted right], and the summed loss.
   */
  evaluate(split: string, start: number, end: number, _gates: Float32Array | null, batchSize: number): EvalShard {
    const set = split === "test" ? this.data.heldOutPrepared : this.data.heldOut;
    if (set === null) throw new Error("this run has no prepared corpus to score");
    const { sequences, masked } = set;
    const T = sequences.seqLength;
    let lossSum = 0;
    let correct = 0;
    let j = 0; // next index into masked.positions (ascending)
    while (j < masked.positions.length && masked.positions[j]! < start * T) j++;
    for (let first = start; first < end; first += batchSize) {
      const rows = Math.min(batchSize, end - first);
      const [lo, hi] = [first * T, (first + rows) * T];
      const from = j;
      while (j < masked.positions.length && masked.positions[j]! < hi) j++;
      if (j === from) continue;
      const positions = masked.positions.slice(from, j).map((p) => p - lo);
      const labels = masked.labels.slice(from, j);
      const batch = encodedBatch(masked.inputIds.slice(lo, hi), sequences.tokenTypeIds.slice(lo, hi), rows, T);
      const [loss, hits] = tf.tidy(() => {
        const r = maskedLmLoss(this.model, this.head, batch, { positions, labels });
        return [r.loss.dataSync()[0]!, r.correct.dataSync()[0]!];
      });
      lossSum += loss * labels.length;
      correct += hits;
    }
    return { predictions: Float32Array.of(correct), lossSum };
  }

  assign(values: Readonly<Record<string, { shape: number[]; data: Float32Array }>>): void {
    const byKey = new Map(this.named.map((p) => [p.key, p.variable]));
    tf.tidy(() => {
      for (const [key, v] of Object.entries(values)) {
        const variable = byKey.get(key);
        if (!variable) throw new Error(`mlm replica: no parameter '${key}'`);
        variable.assign(tf.tensor(v.data, variable.shape));
      }
    });
  }

  dispose(): void {
    this.head.dispose();
    this.model.dispose();
  }
}

/** The batch of a step: epoch-wise seeded shuffles of the packed sequences, masking seeded by step. */
class TrainBatches {
  private epoch = -1;
  private order: number[] = [];

  constructor(
    private readonly data: MlmReplicaData,
    private readonly o: MlmReplicaOptions,
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
      { maskId: SPECIAL_TOKENS.indexOf("[MASK]"), vocabSize: this.data.vocabSize, numSpecialTokens: SPECIAL_TOKENS.length, maskProb: this.o.maskProb },
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

export function encodedBatch(inputIds: Int32Array, tokenTypeIds: Int32Array, batch: number, length: number): EncodedBatch {
  return { batch, length, inputIds, tokenTypeIds, attentionMask: new Int32Array(batch * length).fill(1) };
}
