// SearchSpace: the candidates of a search (docs/ARCHITECTURE.md "Core concepts", docs/METHOD.md §2): every
// backbone site x every chosen method that attaches to the site's kind x every option variant of the
// method (an option given as a list, `--lora.rank 1,8`, enters as one candidate per value), narrowed
// by include/exclude site patterns. Candidate i has an exact parameter count n_i
// from the method's closed form; index i is the order of run-start's candidates and of `gates.p`.
import { BudgetError, PluginError, S3petInputError } from "../errors/s3pet-error.js";
import type { CandidateInfo } from "../events/events.js";
import { candidateKey } from "../plugin/candidate-key.js";
import { matchSites } from "../plugin/match-sites.js";
import { resolveOptions } from "../plugin/options-schema.js";
import type { PetMethod } from "../plugin/pet-method.js";
import type { Site } from "../plugin/site.js";
import { formatPercent } from "./parse-budget.js";

export interface Candidate {
  readonly index: number;
  /** `candidateKey(site, method, variant)`. */
  readonly key: string;
  /** The options that tell this candidate from its siblings at the site (`rank=1`), or null. */
  readonly variant: string | null;
  readonly site: Site;
  readonly method: PetMethod;
  readonly options: Readonly<Record<string, unknown>>;
  /** n_i: exact trainable parameters. */
  readonly params: number;
}

export interface SearchSpaceOptions {
  /** Site patterns (suffix or /regex/); empty = every site. */
  readonly include?: readonly string[];
  readonly exclude?: readonly string[];
  /** Options per method id (validated by the method's schema); a list (or a comma-separated string)
   *  gives several values, each a candidate of its own. */
  readonly methodOptions?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

export class SearchSpace {
  private constructor(readonly candidates: readonly Candidate[]) {}

  /** Sites (in backbone order) x methods (in the given order), filtered; throws when nothing is left. */
  static build(sites: readonly Site[], methods: readonly PetMethod[], opts: SearchSpaceOptions = {}): SearchSpace {
    checkMethods(methods, opts.methodOptions ?? {});
    const chosen = matchSites(sites, opts.include?.length ? opts.include : ["/./"], opts.exclude ?? []);
    const variants = new Map(methods.map((m) => [m.name, optionVariants(m, { ...m.searchOptions, ...opts.methodOptions?.[m.name] })]));
    const candidates: Candidate[] = [];
    for (const site of chosen) {
      for (const method of methods) {
        if (!method.siteKinds.includes(site.kind)) continue;
        for (const v of variants.get(method.name)!) candidates.push(makeCandidate(candidates.length, site, method, v.options, v.variant));
      }
    }
    if (candidates.length === 0) {
      const kinds = [...new Set(methods.flatMap((m) => m.siteKinds))].join(", ");
      throw new S3petInputError(
        `the search space is empty: no site of kind ${kinds || "(none)"} matches the include/exclude patterns ` +
          `(${chosen.length} of ${sites.length} sites selected; check --include/--exclude and --methods)`,
      );
    }
    return new SearchSpace(candidates);
  }

  /** A space made of given candidates (a fixed structure), re-indexed in the given order. */
  static of(candidates: readonly Omit<Candidate, "index">[]): SearchSpace {
    return new SearchSpace(candidates.map((c, index) => ({ ...c, index })));
  }

  get size(): number {
    return this.candidates.length;
  }

  /** sum n_i over all candidates. */
  get totalParams(): number {
    return this.candidates.reduce((s, c) => s + c.params, 0);
  }

  get cheapest(): Candidate {
    return this.candidates.reduce((a, b) => (b.params < a.params ? b : a));
  }

  /** Parameter counts n_i in index order. */
  counts(): number[] {
    return this.candidates.map((c) => c.params);
  }

  /** The candidates as run-start, candidates.json and the dashboard see them. */
  info(): CandidateInfo[] {
    return this.candidates.map(candidateInfo);
  }

  /**
   * A budget must leave something to search: at least the cheapest candidate, and below all of them
   * together (sum n_i p_i = B has no solution otherwise). `label` names where B came from.
   */
  checkBudget(budget: number, backboneParams: number, label = "budget"): void {
    const cheapest = this.cheapest;
    if (budget < cheapest.params) {
      throw new BudgetError(
        `${label} of ${budget} parameters is below the cheapest candidate (${cheapest.key}: ${cheapest.params} parameters); ` +
          `raise --budget to at least ${cheapest.params} (${formatPercent(cheapest.params, backboneParams)})`,
      );
    }
    const total = this.totalParams;
    if (budget >= total) {
      throw new BudgetError(
        `${label} of ${budget} parameters is not below all ${this.size} candidates together (${total} parameters), so there is ` +
          `nothing to search; lower --budget below ${total} (${formatPercent(total, backboneParams)}) or add methods/sites`,
      );
    }
  }
}

export function makeCandidate(
  index: number,
  site: Site,
  method: PetMethod,
  options: Readonly<Record<string, unknown>>,
  variant: string | null = null,
): Candidate {
  const params = method.paramCount(site, options);
  if (!Number.isInteger(params) || params <= 0) {
    throw new PluginError(`${method.name}@${site.name}: paramCount must be a positive integer, got ${params}`);
  }
  return { index, key: candidateKey(site.name, method.name, variant), variant, site, method, options, params };
}

/**
 * The resolved option sets of `method`: one, or the product of every option given as a list
 * (`[1, 8]` or `"1,8"`), each with its variant label (`rank=1`), null when there is one set.
 */
export function optionVariants(method: PetMethod, given: Readonly<Record<string, unknown>>): { options: Readonly<Record<string, unknown>>; variant: string | null }[] {
  const lists = Object.entries(given).map(([k, v]) => [k, asList(v)] as const);
  let sets: Record<string, unknown>[] = [{}];
  for (const [k, values] of lists) sets = sets.flatMap((set) => values.map((v) => ({ ...set, [k]: v })));
  const varying = lists.filter(([, values]) => values.length > 1).map(([k]) => k);
  const resolved = sets.map((set) => resolveOptions(method.name, method.options, set));
  const out = resolved.map((options) => ({ options, variant: varying.length ? varying.map((k) => `${k}=${String(options[k])}`).join(",") : null }));
  const labels = out.map((o) => o.variant);
  const dup = labels.find((l, i) => labels.indexOf(l) !== i);
  if (dup) throw new S3petInputError(`${method.name}: the option values ${dup} are given twice (set each value once, e.g. --${method.name}.${varying[0]} 1,8)`);
  return out;
}

/** `[1, 8]` and `"1,8"` are lists; anything else is one value. */
function asList(v: unknown): readonly unknown[] {
  if (Array.isArray(v)) return v.length ? v : [undefined];
  if (typeof v === "string" && v.includes(",")) return v.split(",").map((x) => x.trim());
  return [v];
}

export function candidateInfo(c: Candidate): CandidateInfo {
  return {
    key: c.key,
    site: c.site.name,
    method: c.method.name,
    layer: c.site.layer,
    position: c.site.position,
    options: c.options,
    params: c.params,
  };
}

function checkMethods(methods: readonly PetMethod[], methodOptions: Readonly<Record<string, unknown>>): void {
  if (methods.length === 0) throw new S3petInputError("no PET methods given (set --methods, e.g. lora,bitfit)");
  const names = methods.map((m) => m.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) throw new PluginError(`method '${dup}' is given twice (set --methods with each method once)`);
  for (const name of Object.keys(methodOptions)) {
    if (!names.includes(name)) {
      throw new S3petInputError(`options given for method '${name}', which is not among the methods (${names.join(", ")}); add it to --methods or drop --${name}.*`);
    }
  }
}
