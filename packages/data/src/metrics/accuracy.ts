// Accuracy: the fraction of predicted classes equal to the labels (SST-2, QNLI, RTE, MNLI, spam).

/** `predicted` and `labels` are class ids of the same length; 0 for no examples. */
export function accuracy(predicted: ArrayLike<number>, labels: ArrayLike<number>): number {
  if (labels.length === 0) return 0;
  let correct = 0;
  for (let i = 0; i < labels.length; i++) if (predicted[i] === labels[i]) correct++;
  return correct / labels.length;
}
