// @ts-check
// Aggregates the quality grid's runs: per (row, budget, task) the mean and sample std over seeds of the
// re-trained test score, the parameters used (and per method) and the supernet's test score; per task the majority
// baseline. Failed runs and runs not run yet are counted apart, never averaged in. The statistics are the sweep
// report's (@s3pet/sweep seedStats), so this table and `s3pet sweep report` agree.
import { seedStats } from "@s3pet/sweep";

/** @param {{ task: string, row: string, budget: string | null, ok: boolean, results: any }[]} runs */
export function aggregateQuality(runs) {
  const cells = new Map();
  const majority = {};
  const backboneParams = runs.find((r) => r.ok)?.results.backboneParams ?? null;
  for (const r of runs) {
    const key = `${r.row}|${r.budget ?? "-"}|${r.task}`;
    const cell = cells.get(key) ?? { row: r.row, budget: r.budget, task: r.task, test: [], supernet: [], params: [], seconds: [], methods: {}, failed: 0, missing: 0 };
    cells.set(key, cell);
    if (!r.ok) {
      if (/^not run/.test(r.error ?? "")) cell.missing++;
      else cell.failed++;
      continue;
    }
    cell.test.push(r.results.retrained.test);
    if (r.results.supernet) cell.supernet.push(r.results.supernet.test);
    cell.params.push(r.results.chosenParams);
    cell.seconds.push(r.results.seconds);
    // where the parameters went, summed per method over the seeds (divided by n below)
    for (const m of Array.isArray(r.results.structure) ? r.results.structure : []) cell.methods[m.method] = (cell.methods[m.method] ?? 0) + m.params;
    majority[r.task] = r.results.majorityBaseline.test;
  }
  return {
    backboneParams,
    majority,
    cells: [...cells.values()].map((c) => ({
      row: c.row,
      budget: c.budget,
      task: c.task,
      n: c.test.length,
      failed: c.failed,
      missing: c.missing,
      test: seedStats(c.test),
      supernet: seedStats(c.supernet),
      params: c.params.length ? mean(c.params) : null,
      seconds: c.seconds.length ? mean(c.seconds) : null,
      methods: c.test.length ? Object.fromEntries(Object.entries(c.methods).map(([m, p]) => [m, p / c.test.length])) : {},
    })),
  };
}

function mean(xs) {
  return xs.reduce((s, x) => s + x, 0) / xs.length;
}
