// Text-to-text classification for an encoder-decoder LM (T5), as the T5 paper casts GLUE: each label has
// a label word, and the score of label i is the LM logit of its word's first token at the first decoder
// step. Only those k tokens are scored (no softmax over the vocabulary, no generation), so prediction is
// exact and cheap: logits = pooledOutput [B, d] · columns [d, k], where pooledOutput is the decoder's
// output at the start token and the columns are the LM head's rows of the label tokens. The head has
// no weights of its own: the PET modules alone learn the task.
import * as tf from "@tensorflow/tfjs";
import { S3petInputError } from "@s3pet/core";
import type { BackboneOutput, TaskHead, TaskHeadFactory } from "@s3pet/core";
import type { TextTokenizer } from "../tokenizer/text-tokenizer.js";

/** The first token id of each label word; two labels may not share it. */
export function labelWordTokens(tokenizer: TextTokenizer, words: readonly string[]): number[] {
  const firsts = words.map((word) => {
    const { ids, tokens } = tokenizer.encode(word);
    if (ids.length < 2 || word.trim() === "") throw new S3petInputError(`label word '${word}': it has no tokens of its own; give the label a word`);
    return { id: ids[0]!, token: tokens[0]! };
  });
  firsts.forEach((a, i) => {
    const j = firsts.findIndex((b) => b.id === a.id);
    if (j !== i) {
      throw new S3petInputError(`label words '${words[j]}' and '${words[i]}' start with the same token '${a.token}'; name the labels with words whose first tokens differ`);
    }
  });
  return firsts.map((f) => f.id);
}

/**
 * A head factory scoring k label tokens; `columns` is the LM head's [d, k] kernel of those tokens
 * (row-major, as T5Model.labelTokenColumns gives it).
 */
export function createVerbaliserHead(columns: Float32Array, hiddenSize: number): TaskHeadFactory {
  const k = columns.length / hiddenSize;
  return (numLabels) => {
    if (numLabels !== k) {
      throw new S3petInputError(`verbaliser head: the task has ${numLabels === 1 ? "a regression target" : `${numLabels} labels`} but ${k} label words; text-to-text classification needs one word per label`);
    }
    return new VerbaliserHead(tf.tensor2d(columns, [hiddenSize, k]));
  };
}

class VerbaliserHead implements TaskHead {
  readonly weights = {};

  constructor(private readonly columns: tf.Tensor2D) {}

  apply(out: BackboneOutput): tf.Tensor2D {
    return tf.matMul(out.pooledOutput, this.columns); // [B, d] · [d, k] -> [B, k]
  }

  load(): void {} // nothing is trained in the head

  dispose(): void {
    this.columns.dispose();
  }
}
