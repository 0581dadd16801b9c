import { describe, expect, it } from "vitest";
import { CheckpointError } from "../errors/s3pet-error.js";
import { BatchStream } from "./batch-stream.js";

describe("BatchStream", () => {
  it("covers every example once per epoch in a seeded order, with a short last batch", () => {
    const s = new BatchStream([10, 11, 12, 13, 14], 2, 7);
    expect(s.batchesPerEpoch).toBe(3);
    const epoch1 = [s.next(), s.next(), s.next()];
    expect(epoch1.map((b) => b.length)).toEqual([2, 2, 1]);
    expect(epoch1.flat().sort()).toEqual([10, 11, 12, 13, 14]);
    const epoch2 = [s.next(), s.next(), s.next()].flat();
    expect(epoch2.sort()).toEqual([10, 11, 12, 13, 14]);
    const again = new BatchStream([10, 11, 12, 13, 14], 2, 7);
    expect([again.next(), again.next(), again.next()]).toEqual(epoch1);
  });

  it("restores the exact data order from {epoch, cursor}", () => {
    const a = new BatchStream(Array.from({ length: 9 }, (_, i) => i), 4, 3);
    for (let i = 0; i < 4; i++) a.next();
    const b = new BatchStream(Array.from({ length: 9 }, (_, i) => i), 4, 3);
    b.restore(a.state());
    for (let i = 0; i < 6; i++) expect(b.next()).toEqual(a.next());
    expect(() => b.restore({ epoch: 0, cursor: 99 })).toThrow(CheckpointError);
  });
});
