import { SeededRng } from "@s3pet/core";
import { describe, expect, it } from "vitest";
import { maskTokens } from "./mask-tokens.js";

const OPTIONS = { maskId: 4, vocabSize: 1000, numSpecialTokens: 5 };

describe("maskTokens", () => {
  // 20 000 ordinary tokens (ids 5..999) with a [CLS] (2) and [SEP] (3) every 100.
  const ids = Int32Array.from({ length: 20_000 }, (_, i) => (i % 100 === 0 ? 2 : i % 100 === 99 ? 3 : 5 + (i % 995)));

  it("selects about 15% of ordinary tokens and corrupts them 80/10/10", () => {
    const { inputIds, positions, labels } = maskTokens(ids, OPTIONS, new SeededRng(1));
    const ordinary = ids.filter((id) => id >= 5).length;
    expect(positions.length / ordinary).toBeGreaterThan(0.14);
    expect(positions.length / ordinary).toBeLessThan(0.16);
    let masked = 0;
    let kept = 0;
    positions.forEach((p, j) => {
      expect(labels[j]).toBe(ids[p]);
      expect(ids[p]).toBeGreaterThanOrEqual(5); // never a special token
      if (inputIds[p] === 4) masked++;
      else if (inputIds[p] === ids[p]) kept++;
      expect(inputIds[p]).toBeGreaterThanOrEqual(4); // random replacements are never [PAD]/[CLS]/[SEP]
    });
    expect(masked / positions.length).toBeGreaterThan(0.77);
    expect(masked / positions.length).toBeLessThan(0.83);
    expect(kept / positions.length).toBeGreaterThan(0.08); // 10% kept + random hits on itself
    expect(kept / positions.length).toBeLessThan(0.12);
    // unselected positions are untouched, positions ascend
    const selected = new Set(positions);
    for (let i = 0; i < ids.length; i++) if (!selected.has(i)) expect(inputIds[i]).toBe(ids[i]);
    for (let j = 1; j < positions.length; j++) expect(positions[j]).toBeGreaterThan(positions[j - 1]!);
  });

  it("is deterministic for a seed and leaves the input unchanged", () => {
    const copy = ids.slice();
    const a = maskTokens(ids, OPTIONS, new SeededRng(7));
    const b = maskTokens(ids, OPTIONS, new SeededRng(7));
    expect(Array.from(a.inputIds)).toEqual(Array.from(b.inputIds));
    expect(Array.from(ids)).toEqual(Array.from(copy));
  });

  it("selects one position when the draw selects none", () => {
    const short = Int32Array.from([2, 17, 3]);
    const { positions, labels } = maskTokens(short, { ...OPTIONS, maskProb: 1e-9 }, new SeededRng(0));
    expect(Array.from(positions)).toEqual([1]);
    expect(Array.from(labels)).toEqual([17]);
  });
});
