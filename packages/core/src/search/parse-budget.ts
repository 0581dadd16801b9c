// parseBudget: a parameter budget B given absolutely (`12000`) or relative to the backbone's total
// parameter count, embeddings included (`0.01%`), as in docs/METHOD.md §7. Relative budgets round down
// to whole parameters, so the chosen count never exceeds what the user asked for.
import { BudgetError } from "../errors/s3pet-error.js";

export interface Budget {
  /** B in parameters. */
  readonly params: number;
  /** As given: `12000` or `0.01%`. */
  readonly spec: string;
  /** Percent of the backbone's parameters, when given relatively. */
  readonly percent: number | null;
}

const BUDGET = /^\s*(\d+(?:\.\d*)?(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?)\s*(%?)\s*$/;

export function parseBudget(spec: number | string, backboneParams: number): Budget {
  const text = String(spec);
  const m = typeof spec === "number" ? (Number.isFinite(spec) ? [text, text, ""] : null) : BUDGET.exec(spec);
  const value = m ? Number(m[1]) : NaN;
  if (!m || !Number.isFinite(value) || value <= 0) {
    throw new BudgetError(`budget '${text}' is not a positive parameter count or percentage (set --budget, e.g. 12000 or 0.01%)`);
  }
  if (m[2] === "%") {
    if (value >= 100) throw new BudgetError(`budget '${text}' must be below 100% of the backbone (set --budget, e.g. 0.01%)`);
    const params = Math.floor((backboneParams * value) / 100);
    if (params < 1) {
      throw new BudgetError(`budget '${text}' of a ${backboneParams}-parameter backbone is below one parameter (raise --budget)`);
    }
    return { params, spec: text, percent: value };
  }
  return { params: Math.floor(value), spec: text, percent: null };
}

/** `0.0123%` of the backbone, for messages that suggest a budget. */
export function formatPercent(params: number, backboneParams: number): string {
  return `${Number(((100 * params) / backboneParams).toPrecision(3))}%`;
}

/** What the PET modules may use of B: all of it, or B minus the task head under --count-head. */
export function moduleBudget(budget: Budget, headParams: number, countHead: boolean): number {
  if (!countHead) return budget.params;
  const left = budget.params - headParams;
  if (left <= 0) {
    throw new BudgetError(`budget of ${budget.params} parameters does not cover the task head (${headParams}) that --count-head puts inside it; raise --budget`);
  }
  return left;
}
