// Every preset of the installed plugins on each architecture the CLI loads: BERT's HF names and T5's
// (its attention is SelfAttention.q/k/v/o and EncDecAttention.*, its residuals layer.N.dropout).
import { resolveStructure, type Site } from "@s3pet/core";
import { loadPretrained, loadT5Pretrained } from "@s3pet/models";
import { TINY_BERT_DIR, TINY_T5_DIR } from "@s3pet/models/testing";
import { describe, expect, it } from "vitest";
import { selectMethods } from "./prepare-run.js";

function sitesOf(load: () => { model: { sites(): readonly Site[]; dispose(): void } }): readonly Site[] {
  const { model } = load();
  const sites = model.sites();
  model.dispose();
  return sites;
}

describe("the installed presets", () => {
  it.each([
    ["bert", () => sitesOf(() => loadPretrained(TINY_BERT_DIR))],
    ["t5", () => sitesOf(() => loadT5Pretrained(TINY_T5_DIR))],
  ])("each puts modules on %s, in every layer of the encoder", async (_arch, sites) => {
    const { methods } = await selectMethods(null);
    const presets = methods.flatMap((m) => (m.presets ?? []).map((p) => p.name));
    expect(presets.length).toBeGreaterThanOrEqual(7);
    const all = sites();
    const encoderLayers = new Set(all.filter((s) => s.name.startsWith("encoder.") && s.layer !== null).map((s) => s.layer));
    for (const name of presets) {
      const { candidates } = resolveStructure({ kind: "preset", name }, all, methods, { seed: 0, include: [], exclude: [], methodOptions: {} }, null);
      const layers = new Set(candidates.filter((c) => c.site.name.startsWith("encoder.") && c.site.layer !== null).map((c) => c.site.layer));
      expect([name, [...layers].sort()]).toEqual([name, [...encoderLayers].sort()]);
    }
  });
});
