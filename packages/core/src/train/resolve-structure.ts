// Fixed structures for `runTrain` (docs/METHOD.md §6): explicit modules (a structure.json), a method's
// manual preset, a random structure drawn from the search space under the budget, or full
// fine-tuning. Every problem is a one-line input error naming the site, method or preset and the fix.
import type { Site } from "../plugin/site.js";
import { CheckpointError, PluginError, S3petInputError } from "../errors/s3pet-error.js";
import type { ChosenModule } from "../events/events.js";
import { matchSites } from "../plugin/match-sites.js";
import { resolveOptions } from "../plugin/options-schema.js";
import type { PetMethod } from "../plugin/pet-method.js";
import { SeededRng } from "../random/seeded-rng.js";
import type { CommonConfig, StructureSpec } from "../run/run-config.js";
import { sampleRandomStructure } from "../search/sample-random-structure.js";
import { makeCandidate, SearchSpace, type Candidate } from "../search/search-space.js";

export interface ResolvedStructure {
  readonly candidates: readonly Candidate[];
  readonly full: boolean;
  /** `file`, `preset:<name>`, `random` or `full`. */
  readonly source: string;
}

/** `moduleBudget` is needed by `random` only (the budget minus the head when it counts). */
export function resolveStructure(
  spec: StructureSpec,
  sites: readonly Site[],
  methods: readonly PetMethod[],
  config: Pick<CommonConfig, "seed" | "include" | "exclude" | "methodOptions">,
  moduleBudget: number | null,
): ResolvedStructure {
  switch (spec.kind) {
    case "full":
      return { candidates: [], full: true, source: "full" };
    case "modules":
      return { candidates: modulesStructure(spec.modules, sites, methods, spec.source ?? "structure"), full: false, source: "file" };
    case "preset":
      return { candidates: presetStructure(spec.name, sites, methods, config.methodOptions), full: false, source: `preset:${spec.name}` };
    case "random": {
      if (moduleBudget === null) throw new S3petInputError("a random structure needs a budget (set --budget, e.g. 12000 or 0.01%)");
      const space = SearchSpace.build(sites, methods, config);
      const cheapest = space.cheapest;
      if (moduleBudget < cheapest.params) {
        throw new S3petInputError(`budget of ${moduleBudget} parameters is below the cheapest candidate (${cheapest.key}: ${cheapest.params}); raise --budget`);
      }
      const rng = new SeededRng(config.seed).fork("random-structure");
      const chosen = sampleRandomStructure(space.counts(), moduleBudget, (k) => rng.nextInt(k)).sort((a, b) => a - b);
      return { candidates: SearchSpace.of(chosen.map((i) => space.candidates[i]!)).candidates, full: false, source: "random" };
    }
  }
}

function modulesStructure(modules: readonly ChosenModule[], sites: readonly Site[], methods: readonly PetMethod[], source: string): Candidate[] {
  if (!Array.isArray(modules)) throw new S3petInputError(`${source}: 'structure' must be a list of {site, method, options, params}`);
  const bySite = new Map(sites.map((s) => [s.name, s]));
  const byMethod = new Map(methods.map((m) => [m.name, m]));
  const candidates = modules.map((m, i) => {
    const site = bySite.get(m?.site);
    if (!site) {
      throw new S3petInputError(`${source}: module ${i} names site '${m?.site}', which this backbone does not have (was the structure searched on another backbone?)`);
    }
    const method = byMethod.get(m.method);
    if (!method) throw new PluginError(`${source}: module ${i} uses PET method '${m.method}': install @s3pet/plugin-${m.method}`);
    if (!method.siteKinds.includes(site.kind)) {
      throw new S3petInputError(`${source}: module ${i}: ${m.method} attaches to ${method.siteKinds.join("/")} sites, but '${site.name}' is a ${site.kind} site`);
    }
    const c = makeCandidate(i, site, method, resolveOptions(method.name, method.options, m.options ?? {}, `${source}: module ${i}`), m.variant ?? null);
    if (m.params !== undefined && m.params !== c.params) {
      throw new CheckpointError(`${source}: module ${i} (${c.key}) records ${m.params} parameters but ${m.method} now counts ${c.params} (another plugin version?); re-run the search or fix the file`);
    }
    return c;
  });
  const keys = candidates.map((c) => c.key);
  const dup = keys.find((k, i) => keys.indexOf(k) !== i);
  if (dup) throw new S3petInputError(`${source}: module '${dup}' is listed twice (give each site and method once, or tell them apart by 'variant')`);
  return candidates;
}

function presetStructure(
  name: string,
  sites: readonly Site[],
  methods: readonly PetMethod[],
  methodOptions: CommonConfig["methodOptions"],
): Candidate[] {
  const owner = methods.find((m) => m.presets?.some((p) => p.name === name));
  if (!owner) {
    const known = methods.flatMap((m) => (m.presets ?? []).map((p) => p.name));
    throw new S3petInputError(`unknown structure preset '${name}' (available: ${known.join(", ") || "none"}; or pass a structure.json, random or full)`);
  }
  const preset = owner.presets!.find((p) => p.name === name)!;
  const options = resolveOptions(owner.name, owner.options, { ...(preset.options ?? {}), ...(methodOptions[owner.name] ?? {}) });
  const where = matchSites(sites.filter((s) => owner.siteKinds.includes(s.kind)), preset.include);
  if (where.length === 0) {
    throw new S3petInputError(`preset '${name}' matches no ${owner.siteKinds.join("/")} site of this backbone (patterns ${preset.include.join(", ")})`);
  }
  return where.map((site, i) => makeCandidate(i, site, owner, options));
}

/** The chosen structure as structure.json / results.json list it. */
export function chosenModules(candidates: readonly Candidate[]): ChosenModule[] {
  return candidates.map((c) => ({ site: c.site.name, method: c.method.name, options: c.options, params: c.params, ...(c.variant ? { variant: c.variant } : {}) }));
}
