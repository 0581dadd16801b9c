import { SeededRng } from "@s3pet/core";
import { describe, expect, it } from "vitest";
import { packSequences } from "./pack-sequences.js";

describe("packSequences", () => {
  const tokens = Int32Array.from({ length: 100 }, (_, i) => 10 + i);
  const packed = packSequences(tokens, { seqLength: 16, clsId: 2, sepId: 3, rng: new SeededRng(0) });

  it("builds [CLS] a [SEP] b [SEP] rows of full length from consecutive tokens", () => {
    expect(packed.count).toBe(7); // floor(100 / 13)
    expect(packed.inputIds).toHaveLength(7 * 16);
    const content: number[] = [];
    for (let s = 0; s < packed.count; s++) {
      const row = Array.from(packed.inputIds.subarray(s * 16, (s + 1) * 16));
      const types = Array.from(packed.tokenTypeIds.subarray(s * 16, (s + 1) * 16));
      expect(row[0]).toBe(2);
      expect(row[15]).toBe(3);
      const middle = row.indexOf(3, 1);
      expect(middle).toBeGreaterThanOrEqual(1 + 3); // a has at least content/4 = 3 tokens
      expect(middle).toBeLessThanOrEqual(1 + 3 + 6);
      expect(types).toEqual(row.map((_, i) => (i <= middle ? 0 : 1)));
      content.push(...row.filter((id) => id !== 2 && id !== 3));
    }
    expect(content).toEqual(Array.from(tokens.subarray(0, 7 * 13)));
  });

  it("rejects a length that leaves no room for text", () => {
    expect(() => packSequences(tokens, { seqLength: 4, clsId: 2, sepId: 3, rng: new SeededRng(0) })).toThrow(/seqLength/);
  });
});
