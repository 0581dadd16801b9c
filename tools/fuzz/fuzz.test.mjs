// The fuzz suite's share of `npm test`: a few hundred seeded cases through the real loaders, the
// in-process CLI and two real processes. The long mode (tools/fuzz/run-fuzz.mjs) runs thousands.
import { describe, expect, it } from "vitest";
import { fuzz } from "./fuzz-targets.mjs";

describe("fuzzed front door: success or exit 2 with one line", () => {
  it("holds for seeded mutations of checkpoints, tokenizers, datasets and flags", async () => {
    const report = await fuzz({ seed: 20261203, cases: 50, cliCases: 16, processCases: 2 });
    for (const r of report.results) expect(r.findings, `${r.target}: ${r.error}\n${r.counterexample}`).toBe(0);
    expect(report.results.map((r) => r.cases)).toEqual([50, 50, 50, 50, 50, 16, 2]);
    // Both outcomes are reached: the mutations do not only ever break the input.
    const byTarget = Object.fromEntries(report.results.map((r) => [r.target, r]));
    for (const t of ["safetensors bytes", "config.json", "tokenizer files"]) expect(byTarget[t].ok, t).toBeGreaterThan(0);
    expect(report.results.reduce((n, r) => n + r.inputError, 0)).toBeGreaterThan(100);
  }, 240_000);
});
