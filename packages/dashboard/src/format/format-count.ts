// formatCount: parameter and token counts for humans. Exact with thousands separators below a million
// (budgets are compared to the parameter), then three significant decimals with a unit.

export function formatCount(n: number): string {
  const abs = Math.abs(n);
  if (abs >= 1e9) return `${(n / 1e9).toFixed(2)}G`;
  if (abs >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  return Math.round(n).toLocaleString("en-US");
}

/** A share as a percentage with enough digits to tell tiny budgets apart (0.0139%, 0.18%, 12.5%). */
export function formatPercent(fraction: number): string {
  const pct = fraction * 100;
  if (pct === 0) return "0%";
  const abs = Math.abs(pct);
  const digits = abs >= 10 ? 1 : Math.min(5, 2 - Math.floor(Math.log10(abs))); // three significant digits
  return `${pct.toFixed(digits)}%`;
}
