// The masked-LM head of BertForMaskedLM / RobertaForMaskedLM, for pretraining:
// logits = LN(act(h W_t + b_t)) E^T + b, with the decoder tied to the word embeddings E [V, H].
// Its variables are owned here; `hfTensors` gives them under the HF names (`cls.predictions.*`
// for BERT, `lm_head.*` for RoBERTa) and layout, so saveBackbone can store them next to the encoder.
import * as tf from "@tensorflow/tfjs";
import { CheckpointError } from "@s3pet/core";
import { activation } from "../bert/activation.js";
import type { BertConfig } from "../bert/bert-config.js";
import { tensorSeed } from "../bert/init-random-bert.js";
import { layerNorm } from "../bert/layer-norm.js";

export interface MaskedLmWeights {
  /** [H, H] (in, out) */
  readonly transformKernel: tf.Variable;
  /** [H] */
  readonly transformBias: tf.Variable;
  /** [H] */
  readonly normGamma: tf.Variable;
  /** [H] */
  readonly normBeta: tf.Variable;
  /** [V] */
  readonly decoderBias: tf.Variable;
}

export class MaskedLmHead {
  private readonly act: <T extends tf.Tensor>(x: T) => T;

  constructor(
    private readonly config: BertConfig,
    readonly weights: MaskedLmWeights,
  ) {
    this.act = activation(config.hiddenAct);
  }

  /** hidden [N, H] (e.g. only the masked positions), wordEmbeddings [V, H] -> logits [N, V]. */
  apply(hidden: tf.Tensor2D, wordEmbeddings: tf.Tensor2D): tf.Tensor2D {
    const w = this.weights;
    const t = this.act(tf.add(tf.matMul(hidden, w.transformKernel), w.transformBias)) as tf.Tensor2D; // [N, H]
    const { y } = layerNorm(t, w.normGamma, w.normBeta, this.config.layerNormEps); // [N, H]
    return tf.add(tf.matMul(y, tf.transpose(wordEmbeddings)), w.decoderBias) as tf.Tensor2D; // [N, V]
  }

  variables(): tf.Variable[] {
    return Object.values(this.weights);
  }

  /** The head in HF names and layout (kernel [out, in], a new tensor the caller disposes; the others are
   *  the variables themselves); the tied decoder weight is not repeated. */
  hfTensors(): Record<string, tf.Tensor> {
    const w = this.weights;
    const names = maskedLmNames(this.config);
    return {
      [names.transformKernel]: tf.transpose(w.transformKernel),
      [names.transformBias]: w.transformBias,
      [names.normGamma]: w.normGamma,
      [names.normBeta]: w.normBeta,
      [names.decoderBias]: w.decoderBias,
    };
  }

  /** Overwrites the weights from HF-named tensors (e.g. read back from a saved checkpoint). */
  loadHfTensors(tensors: Readonly<Record<string, tf.Tensor>>): void {
    const names = maskedLmNames(this.config);
    for (const key of Object.keys(names) as (keyof MaskedLmWeights)[]) {
      const target = this.weights[key];
      const source = tensors[names[key]];
      if (!source) throw new CheckpointError(`masked-LM head: tensor '${names[key]}' is missing`);
      const value = key === "transformKernel" ? tf.transpose(source) : source; // HF [out, in] -> [in, out]
      if (value.shape.join() !== target.shape.join()) {
        if (value !== source) value.dispose();
        throw new CheckpointError(`masked-LM head: '${names[key]}' has shape [${source.shape.join(", ")}], which does not fit hidden ${this.config.hiddenSize} / vocab ${this.config.vocabSize}`);
      }
      target.assign(value);
      if (value !== source) value.dispose();
    }
  }

  dispose(): void {
    for (const v of this.variables()) v.dispose();
  }
}

/** A fresh head: normal(0, initializer_range) kernel, LayerNorm 1/0, zero bias; seeded. */
export function createMaskedLmHead(config: BertConfig, init: { readonly seed: number }): MaskedLmHead {
  const { hiddenSize: H, vocabSize: V } = config;
  // tidy frees the initial values; the variables keep their own copies
  const weights: MaskedLmWeights = tf.tidy(() => ({
    transformKernel: tf.variable(tf.randomNormal([H, H], 0, config.initializerRange, "float32", tensorSeed(init.seed, 0))),
    transformBias: tf.variable(tf.zeros([H])),
    normGamma: tf.variable(tf.ones([H])),
    normBeta: tf.variable(tf.zeros([H])),
    decoderBias: tf.variable(tf.zeros([V])),
  }));
  return new MaskedLmHead(config, weights);
}

/** HF parameter names of the head (BertForMaskedLM or RobertaForMaskedLM). */
export function maskedLmNames(config: BertConfig): Record<keyof MaskedLmWeights, string> {
  if (config.modelType === "roberta") {
    return {
      transformKernel: "lm_head.dense.weight",
      transformBias: "lm_head.dense.bias",
      normGamma: "lm_head.layer_norm.weight",
      normBeta: "lm_head.layer_norm.bias",
      decoderBias: "lm_head.bias",
    };
  }
  return {
    transformKernel: "cls.predictions.transform.dense.weight",
    transformBias: "cls.predictions.transform.dense.bias",
    normGamma: "cls.predictions.transform.LayerNorm.weight",
    normBeta: "cls.predictions.transform.LayerNorm.bias",
    decoderBias: "cls.predictions.bias",
  };
}
