// formatScore: a metric value (accuracy, F1, Matthews, correlations) with four decimals, everywhere.

export function formatScore(score: number): string {
  return score.toFixed(4);
}
