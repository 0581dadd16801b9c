// The masked-LM objective at the selected positions only: the encoder runs over every token, then
// the hidden states of the M masked positions are gathered before the head, so the decoder matmul
// over the vocabulary ([M, H] x [H, V], the most expensive one) costs M/N of the full one.
import * as tf from "@tensorflow/tfjs";
import { sparseSoftmaxCrossEntropy, type EncodedBatch } from "@s3pet/core";
import type { BertModel } from "../bert/bert-model.js";
import type { MaskedLmHead } from "../heads/masked-lm-head.js";
import type { MaskedBatch } from "./mask-tokens.js";

export interface MaskedLmLoss {
  /** Mean cross-entropy over the masked positions (nats). */
  readonly loss: tf.Scalar;
  /** Number of masked positions whose argmax prediction is the original token. */
  readonly correct: tf.Scalar;
}

/** Call inside tf.tidy (and inside tf.variableGrads for training). */
export function maskedLmLoss(
  model: BertModel,
  head: MaskedLmHead,
  batch: EncodedBatch,
  masked: Pick<MaskedBatch, "positions" | "labels">,
): MaskedLmLoss {
  const { batch: B, length: T } = batch; // batch, tokens
  const H = model.hiddenSize; // hidden
  const out = model.forward(batch);
  const hidden = tf.reshape(out.lastHiddenState, [B * T, H]) as tf.Tensor2D; // [N, H]
  const atMasked = tf.gather(hidden, tf.tensor1d(masked.positions, "int32")) as tf.Tensor2D; // [M, H]
  const logits = head.apply(atMasked, model.wordEmbeddings); // [M, V]
  const labels = tf.tensor1d(masked.labels, "int32"); // [M]
  const loss = sparseSoftmaxCrossEntropy(logits, labels);
  const correct = tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), labels), "float32")) as tf.Scalar;
  return { loss, correct };
}
