// @ts-check
// One row against another, paired by seed: in each (task, budget) cell where both rows ran the same seeds, the
// per-seed differences of the re-trained test score and a one-sided paired t-test of "row A is above row B".
// Pairing by seed removes what the two runs share (the data split, the head's init, the batch order), which
// the table's mean ± std per row does not, so it can tell a small steady lead from noise. The test's level is
// the caller's, fixed before the runs (e.g. 0.05 over k cells: 0.05 / k each).
import { seedStats } from "@s3pet/sweep";
import ttest from "@stdlib/stats-ttest";

/**
 * @param {readonly { task: string, row: string, budget: string | null, seed: number, ok: boolean, results: any }[]} runs
 * @param {{ rowA: string, rowB: string, alpha: number }} test  A above B at level alpha in a cell
 */
export function pairedComparison(runs, { rowA, rowB, alpha }) {
  const score = new Map();
  for (const r of runs) if (r.ok && (r.row === rowA || r.row === rowB)) score.set(`${r.row}|${r.task}|${r.budget}|${r.seed}`, r.results.retrained.test);
  const cells = [...new Set(runs.filter((r) => r.row === rowA).map((r) => `${r.task}|${r.budget}`))];
  return cells.map((cell) => {
    const [task, budget] = cell.split("|");
    const seeds = [...new Set(runs.map((r) => r.seed))].sort((a, b) => a - b)
      .filter((s) => score.has(`${rowA}|${cell}|${s}`) && score.has(`${rowB}|${cell}|${s}`));
    const a = seeds.map((s) => score.get(`${rowA}|${cell}|${s}`));
    const b = seeds.map((s) => score.get(`${rowB}|${cell}|${s}`));
    const differences = a.map((x, i) => x - b[i]);
    const d = seedStats(differences);
    const base = { task, budget: budget === "null" ? null : budget, rowA, rowB, alpha, seeds, a, b, differences, mean: d?.mean ?? null, sd: d?.std ?? null };
    // Under 2 pairs there is no spread to test against; with every difference equal (scores are multiples of
    // 1/n test examples, so it happens) the t statistic is undefined: neither case is evidence of a lead.
    if (seeds.length < 2 || d?.std === 0) return { ...base, t: null, df: null, p: null, above: false };
    const result = ttest(a, b, { alternative: "greater", alpha });
    return { ...base, t: result.statistic, df: result.df, p: result.pValue, above: result.pValue < alpha };
  });
}
