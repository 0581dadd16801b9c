import { describe, expect, it } from "vitest";
import { BudgetError, PluginError, S3petInputError } from "../errors/s3pet-error.js";
import { SyntheticBackbone, tbias, tgain, tlow } from "../run/testing/planted-task.js";
import { moduleBudget, parseBudget } from "./parse-budget.js";
import { SearchSpace } from "./search-space.js";
import { chosenModules, resolveStructure } from "../train/resolve-structure.js";
import { parseCandidateKey } from "../plugin/candidate-key.js";

const backbone = new SyntheticBackbone();
const sites = backbone.sites();

describe("parseBudget", () => {
  it("reads absolute counts and percentages of the backbone", () => {
    expect(parseBudget(12000, 5_000_000)).toEqual({ params: 12000, spec: "12000", percent: null });
    expect(parseBudget("12000", 5_000_000).params).toBe(12000);
    expect(parseBudget("0.01%", 5_257_218)).toEqual({ params: 525, spec: "0.01%", percent: 0.01 });
    expect(parseBudget(" 1e3 ", 10).params).toBe(1000);
  });

  it("rejects what is not a positive count or percentage, with the flag to fix", () => {
    for (const bad of ["abc", "-5", "0", "12 k", "", "150%"]) expect(() => parseBudget(bad, 1000)).toThrow(BudgetError);
    expect(() => parseBudget("abc", 1000)).toThrow("budget 'abc' is not a positive parameter count or percentage (set --budget, e.g. 12000 or 0.01%)");
    expect(() => parseBudget("0.0001%", 1000)).toThrow(/below one parameter/);
  });
});

describe("moduleBudget", () => {
  it("leaves the modules all of B, or B minus the head under --count-head, and refuses a head that fills B", () => {
    const b = parseBudget(1000, 1_000_000);
    expect(moduleBudget(b, 258, false)).toBe(1000);
    expect(moduleBudget(b, 258, true)).toBe(742);
    expect(() => moduleBudget(b, 1000, true)).toThrow(
      "budget of 1000 parameters does not cover the task head (1000) that --count-head puts inside it; raise --budget",
    );
  });
});

describe("SearchSpace", () => {
  it("takes an option given as a list as one candidate per value, keyed by the option only then", () => {
    const space = SearchSpace.build(sites, [tlow, tbias], { methodOptions: { tlow: { rank: "1,4" } } });
    const layer0 = space.candidates.filter((c) => c.site.name === "encoder.layer.0.dense");
    expect(layer0.map((c) => [c.key, c.options, c.params])).toEqual([
      ["encoder.layer.0.dense#tlow[rank=1]", { rank: 1 }, 1 * (4 + 4)],
      ["encoder.layer.0.dense#tlow[rank=4]", { rank: 4 }, 4 * (4 + 4)],
      ["encoder.layer.0.dense#tbias", {}, 4],
    ]);
    expect(new Set(space.candidates.map((c) => c.key)).size).toBe(space.size);
    expect(parseCandidateKey("encoder.layer.0.dense#tlow[rank=1]")).toEqual({ site: "encoder.layer.0.dense", method: "tlow", variant: "rank=1" });
    expect(SearchSpace.build(sites, [tlow], { methodOptions: { tlow: { rank: 2 } } }).candidates[0]!.key).toBe("encoder.layer.0.dense#tlow");
    expect(SearchSpace.build(sites, [tlow], { methodOptions: { tlow: { rank: [1, 2] } } }).size).toBe(space.candidates.filter((c) => c.method === tlow).length);
    expect(() => SearchSpace.build(sites, [tlow], { methodOptions: { tlow: { rank: "1,0" } } })).toThrow("tlow: rank must be an integer >= 1, got '0' (set --tlow.rank)");
    expect(() => SearchSpace.build(sites, [tlow], { methodOptions: { tlow: { rank: "2,2" } } })).toThrow("tlow: the option values rank=2 are given twice");
    // structure.json records options exactly and the variant, so re-training keeps the keys (and init seeds)
    const both = SearchSpace.of(layer0.slice(0, 2)).candidates;
    const saved = chosenModules(both);
    expect(saved).toEqual([
      { site: "encoder.layer.0.dense", method: "tlow", options: { rank: 1 }, params: 8, variant: "rank=1" },
      { site: "encoder.layer.0.dense", method: "tlow", options: { rank: 4 }, params: 32, variant: "rank=4" },
    ]);
    const again = resolveStructure({ kind: "modules", modules: saved }, sites, [tlow], { seed: 1, include: [], exclude: [], methodOptions: {} }, null);
    expect(again.candidates.map((c) => c.key)).toEqual(both.map((c) => c.key));
    const twice = saved.map(({ variant: _v, ...m }) => m);
    expect(() => resolveStructure({ kind: "modules", modules: twice }, sites, [tlow], { seed: 1, include: [], exclude: [], methodOptions: {} }, null)).toThrow(
      "structure: module 'encoder.layer.0.dense#tlow' is listed twice",
    );
  });

  it("is every site x every method attaching to its kind, in backbone then method order", () => {
    const space = SearchSpace.build(sites, [tbias, tgain]);
    expect(space.candidates.map((c) => c.key)).toEqual([
      "encoder.layer.0.dense#tbias",
      "encoder.layer.0.LayerNorm#tgain",
      "encoder.layer.1.dense#tbias",
      "encoder.layer.1.LayerNorm#tgain",
      "encoder.layer.2.dense#tbias",
      "encoder.layer.2.LayerNorm#tgain",
    ]);
    expect(space.candidates.map((c) => c.index)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(space.totalParams).toBe(24);
    expect(space.info()[1]).toEqual({ key: "encoder.layer.0.LayerNorm#tgain", site: "encoder.layer.0.LayerNorm", method: "tgain", layer: 0, position: "LayerNorm", options: {}, params: 4 });
  });

  it("narrows by include/exclude patterns and resolves method options", () => {
    const space = SearchSpace.build(sites, [tbias, tlow], { include: ["dense"], exclude: ["/layer\\.2\\./"], methodOptions: { tlow: { rank: 2 } } });
    expect(space.candidates.map((c) => c.key)).toEqual([
      "encoder.layer.0.dense#tbias",
      "encoder.layer.0.dense#tlow",
      "encoder.layer.1.dense#tbias",
      "encoder.layer.1.dense#tlow",
    ]);
    expect(space.candidates[1]!.options).toEqual({ rank: 2 });
    expect(space.candidates[1]!.params).toBe(16);
  });

  it("explains an empty space, unknown option targets and bad options", () => {
    expect(() => SearchSpace.build(sites, [tgain], { include: ["dense"] })).toThrow(/the search space is empty: no site of kind norm matches/);
    expect(() => SearchSpace.build(sites, [tbias], { methodOptions: { tlow: { rank: 2 } } })).toThrow(
      "options given for method 'tlow', which is not among the methods (tbias); add it to --methods or drop --tlow.*",
    );
    expect(() => SearchSpace.build(sites, [tlow], { methodOptions: { tlow: { rank: 0 } } })).toThrow(S3petInputError);
    expect(() => SearchSpace.build(sites, [tbias, tbias])).toThrow(PluginError);
    expect(() => SearchSpace.build(sites, [])).toThrow(/no PET methods given/);
  });

  it("rejects a budget below the cheapest candidate or not below the whole space, naming both numbers", () => {
    const space = SearchSpace.build(sites, [tbias, tlow]); // 3 x 4 + 3 x 8 = 36
    expect(() => space.checkBudget(3, 108)).toThrow(
      "budget of 3 parameters is below the cheapest candidate (encoder.layer.0.dense#tbias: 4 parameters); raise --budget to at least 4 (3.7%)",
    );
    expect(() => space.checkBudget(36, 108)).toThrow(
      "budget of 36 parameters is not below all 6 candidates together (36 parameters), so there is nothing to search; lower --budget below 36 (33.3%) or add methods/sites",
    );
    expect(() => space.checkBudget(4, 108)).not.toThrow();
    expect(() => space.checkBudget(35, 108)).not.toThrow();
  });
});
