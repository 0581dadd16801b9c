// TaskObjective (core's contract) from a metric: classification predictions are row-major logits
// [N * numLabels] scored on their argmax; regression predictions are values [N].
import type { TaskObjective } from "@s3pet/core";
import type { Metric } from "../metrics/metrics.js";

export function createObjective(metric: Metric, numLabels: number): TaskObjective {
  const kind = metric.kind;
  const width = kind === "classification" ? numLabels : 1;
  return {
    kind,
    numLabels: width,
    metric: metric.name,
    score(predictions, labels) {
      if (predictions.length !== labels.length * width) {
        throw new RangeError(`${metric.name}: expected ${labels.length} x ${width} predictions, got ${predictions.length}`);
      }
      return metric.score(kind === "classification" ? argmaxRows(predictions, width) : predictions, labels, width);
    },
  };
}

/** Index of the largest logit per row of a row-major [N, width] matrix (first one on ties). */
export function argmaxRows(logits: ArrayLike<number>, width: number): Int32Array {
  const n = logits.length / width;
  const out = new Int32Array(n);
  for (let r = 0; r < n; r++) {
    let best = 0;
    for (let c = 1; c < width; c++) if (logits[r * width + c]! > logits[r * width + best]!) best = c;
    out[r] = best;
  }
  return out;
}
