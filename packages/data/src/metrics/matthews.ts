// Matthews correlation coefficient (CoLA), in its multi-class form (Gorodkin 2004, as scikit-learn's
// matthews_corrcoef), which for two classes is (TP·TN − FP·FN) / sqrt((TP+FP)(TP+FN)(TN+FP)(TN+FN)).
// In [-1, 1]; 0 when a row or column of the confusion matrix is constant (e.g. one class predicted).

export function matthews(predicted: ArrayLike<number>, labels: ArrayLike<number>, numLabels: number): number {
  const n = labels.length;
  const truth = new Float64Array(numLabels); // t_k: how often class k occurs
  const guess = new Float64Array(numLabels); // p_k: how often class k is predicted
  let correct = 0;
  for (let i = 0; i < n; i++) {
    const y = labels[i]!;
    const p = predicted[i]!;
    truth[y]!++;
    if (p >= 0 && p < numLabels) guess[p]!++;
    if (p === y) correct++;
  }
  let pt = 0;
  let pp = 0;
  let tt = 0;
  for (let k = 0; k < numLabels; k++) {
    pt += guess[k]! * truth[k]!;
    pp += guess[k]! * guess[k]!;
    tt += truth[k]! * truth[k]!;
  }
  const denominator = Math.sqrt((n * n - pp) * (n * n - tt));
  return denominator === 0 ? 0 : (correct * n - pt) / denominator;
}
