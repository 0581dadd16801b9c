import { describe, expect, it } from "vitest";
import type { PetMethod } from "../plugin/pet-method.js";
import type { Candidate } from "../search/search-space.js";
import { syntheticLinearSite } from "../testing/synthetic-sites.js";
import { planRunMemory, type RunMemoryInput } from "./plan-run-memory.js";

// A method whose modules keep 10 floats per token for their weights' gradients and, gated, 8 more (the delta) for the gate's.
const method = { name: "m", keptPerToken: (_site: unknown, _o: unknown, gated: boolean) => 10 + (gated ? 8 : 0) } as unknown as PetMethod;
const candidates = [0, 1, 2].map((i) => ({ index: i, key: `k${i}`, variant: null, site: syntheticLinearSite, method, options: {}, params: 16 }) as Candidate);
const profile = { weightBytes: 1000, numLayers: 1, keptPerToken: 0, keptPerTokenPosition: 0, workPerToken: 0, workPerTokenPosition: 0 };
const base: RunMemoryInput = { profile, candidates, gated: false, full: false, backboneParams: 250, headParams: 0, batchSize: 2, length: 4, workers: 1, workerLimitBytes: 2 ** 30, machineBytes: 2 ** 32 };
const keptFloats = (input: RunMemoryInput) => planRunMemory(input).activations / (4 * 2 * 4);

describe("planRunMemory", () => {
  it("keeps the modules' own tensors for a fixed structure, the larger of the weight step and the structure step in a first-order search, both for second order", () => {
    expect(keptFloats(base)).toBe(3 * 10);
    expect(keptFloats({ ...base, gated: true })).toBe(3 * 10); // weight step: 30 > structure step: 24
    expect(keptFloats({ ...base, gated: true, secondOrder: true })).toBe(3 * 18);
  });

  it("adds to the workspace what one layer's modules have alive at once", () => {
    const workFloats = (input: RunMemoryInput) => planRunMemory(input).workspace / (4 * 2 * 4);
    const spread = candidates.map((c, i) => ({ ...c, site: { ...c.site, layer: i } }));
    expect(workFloats({ ...base, gated: true })).toBe(3 * 10); // all three in layer 0, the weight step's
    expect(workFloats({ ...base, gated: true, secondOrder: true, candidates: spread, profile: { ...profile, numLayers: 3 } })).toBe(18);
  });
});
