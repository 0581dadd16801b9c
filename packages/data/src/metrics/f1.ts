// Binary F1 of the positive class (id 1), as GLUE reports it for MRPC and QQP: 2TP / (2TP + FP + FN).

/** 0 when there are no positive labels and no positive predictions (the ratio is undefined). */
export function f1(predicted: ArrayLike<number>, labels: ArrayLike<number>): number {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let i = 0; i < labels.length; i++) {
    const p = predicted[i] === 1;
    const y = labels[i] === 1;
    if (p && y) tp++;
    else if (p) fp++;
    else if (y) fn++;
  }
  const denominator = 2 * tp + fp + fn;
  return denominator === 0 ? 0 : (2 * tp) / denominator;
}
