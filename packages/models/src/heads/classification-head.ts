// Sequence classification / regression head (HF BertForSequenceClassification's `classifier`):
// logits = pooled W^T + b on the backbone's pooled output, [B, H] -> [B, numLabels];
// numLabels = 1 is the regression case. Weights are saved as `classifier.weight` [numLabels, H]
// (HF layout) and `classifier.bias` [numLabels].
import * as tf from "@tensorflow/tfjs";
import { CheckpointError, S3petInputError } from "@s3pet/core";
import type { Backbone, BackboneOutput, TaskHead, TaskHeadFactory } from "@s3pet/core";
import { tensorSeed } from "../bert/init-random-bert.js";

/** HF BertConfig.initializer_range default. */
const INIT_STD = 0.02;

export function createClassificationHead(backbone: Pick<Backbone, "hiddenSize">): TaskHeadFactory {
  const H = backbone.hiddenSize;
  return (numLabels, init) => {
    if (!Number.isInteger(numLabels) || numLabels < 1) {
      throw new S3petInputError(`classification head: numLabels must be a positive integer (1 for regression), got ${numLabels}`);
    }
    const weights = tf.tidy(() => ({
      "classifier.weight": tf.variable(tf.randomNormal([numLabels, H], 0, INIT_STD, "float32", tensorSeed(init.seed, 0))),
      "classifier.bias": tf.variable(tf.zeros([numLabels])),
    })); // tidy frees the initial values; the variables keep their own copies
    return new ClassificationHead(weights);
  };
}

class ClassificationHead implements TaskHead {
  constructor(readonly weights: { readonly "classifier.weight": tf.Variable; readonly "classifier.bias": tf.Variable }) {}

  apply(out: BackboneOutput): tf.Tensor2D {
    const w = this.weights;
    // [B, H] · [numLabels, H]^T -> [B, numLabels]
    return tf.add(tf.matMul(out.pooledOutput, w["classifier.weight"], false, true), w["classifier.bias"]) as tf.Tensor2D;
  }

  load(weights: Readonly<Record<string, tf.Tensor>>): void {
    for (const [name, target] of Object.entries(this.weights)) {
      const source = weights[name];
      if (!source) throw new CheckpointError(`classification head: weight '${name}' is missing from the saved head`);
      if (source.shape.join() !== target.shape.join()) {
        throw new CheckpointError(
          `classification head: '${name}' expected [${target.shape.join(", ")}], got [${source.shape.join(", ")}]; was it saved for another task?`,
        );
      }
      target.assign(source);
    }
  }

  dispose(): void {
    for (const v of Object.values(this.weights)) v.dispose();
  }
}
