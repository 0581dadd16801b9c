import { describe, expect, it } from "vitest";
import { bfloat16ToFloat32, float32ToBfloat16, float32ToHalf, halfToFloat32 } from "./safetensors-dtype.js";

const toHalf = (...xs: number[]) => [...float32ToHalf(Float32Array.from(xs))];
const toBf16 = (...xs: number[]) => [...float32ToBfloat16(Float32Array.from(xs))];

describe("float16", () => {
  it("encodes known values like numpy, rounding to nearest even", () => {
    // numpy: np.float32(v).astype(np.float16).view(np.uint16)
    expect(toHalf(1, -2, 65504, 2 ** -24, 0.1, 1 / 3, 6.1e-5)).toEqual([0x3c00, 0xc000, 0x7bff, 0x0001, 0x2e66, 0x3555, 0x03ff]);
    expect(toHalf(65519, 65520, Infinity, -Infinity)).toEqual([0x7bff, 0x7c00, 0x7c00, 0xfc00]);
    expect(toHalf(2 ** -25, 3 * 2 ** -26, 1e-8, -0)).toEqual([0x0000, 0x0001, 0x0000, 0x8000]);
    expect(Number.isNaN(halfToFloat32(float32ToHalf(Float32Array.of(NaN)))[0])).toBe(true);
  });

  it("decodes every non-NaN half exactly and re-encodes it to the same bits", () => {
    const all = Uint16Array.from({ length: 65536 }, (_, i) => i);
    const floats = halfToFloat32(all);
    const back = float32ToHalf(floats);
    for (let i = 0; i < 65536; i++) {
      const isNaN = (i & 0x7c00) === 0x7c00 && (i & 0x3ff) !== 0;
      if (isNaN) expect(Number.isNaN(floats[i])).toBe(true);
      else if (back[i] !== i) throw new Error(`half 0x${i.toString(16)} -> ${floats[i]} -> 0x${back[i]!.toString(16)}`);
    }
    expect(floats[0x3c00]).toBe(1);
    expect(floats[0x0001]).toBe(2 ** -24);
    expect(floats[0x7c00]).toBe(Infinity);
  });
});

describe("bfloat16", () => {
  it("encodes with round-to-nearest-even and decodes to the upper half of a float32", () => {
    expect(toBf16(1, Math.PI, -0.1, 1 + 2 ** -8, 1 + 3 * 2 ** -8)).toEqual([0x3f80, 0x4049, 0xbdcd, 0x3f80, 0x3f82]);
    expect([...bfloat16ToFloat32(Uint16Array.of(0x3f80, 0x4049, 0xff80))]).toEqual([1, 3.140625, -Infinity]);
    expect(Number.isNaN(bfloat16ToFloat32(float32ToBfloat16(Float32Array.of(NaN)))[0])).toBe(true);
  });
});
