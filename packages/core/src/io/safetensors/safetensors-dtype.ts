// Safetensors dtypes: the names the format defines, their sizes, and the float16/bfloat16 <-> float32
// conversions (tfjs has no float16, docs/BACKEND.md §6, so half-precision weights become float32 on read).
// Byte order is little-endian, as the format specifies and as the hosts we run on are.

/** Every dtype name the safetensors format defines, with its size in bytes. */
export const SAFETENSORS_DTYPE_BYTES = {
  BOOL: 1,
  U8: 1,
  I8: 1,
  F8_E5M2: 1,
  F8_E4M3: 1,
  I16: 2,
  U16: 2,
  F16: 2,
  BF16: 2,
  I32: 4,
  U32: 4,
  F32: 4,
  F64: 8,
  I64: 8,
  U64: 8,
} as const;

export type SafetensorsDtype = keyof typeof SAFETENSORS_DTYPE_BYTES;

/** The dtypes writeSafetensors can produce. */
export type WritableDtype = "F32" | "F16" | "BF16" | "I32" | "I64";

export function isSafetensorsDtype(name: unknown): name is SafetensorsDtype {
  return typeof name === "string" && Object.hasOwn(SAFETENSORS_DTYPE_BYTES, name);
}

/**
 * Decodes raw little-endian bytes (a fresh, 8-byte-aligned buffer) to numbers.
 * Returns undefined for dtypes without a numeric decoding here (8-bit floats).
 */
export function decodeNumbers(dtype: SafetensorsDtype, bytes: Uint8Array): Float32Array | Float64Array | Int32Array | Uint32Array | BigInt64Array | BigUint64Array | Int8Array | Uint8Array | Int16Array | Uint16Array | undefined {
  const { buffer, byteOffset, byteLength } = bytes;
  const view = <T>(Ctor: new (b: ArrayBufferLike, o: number, n: number) => T, size: number) => new Ctor(buffer, byteOffset, byteLength / size);
  switch (dtype) {
    case "F32": return view(Float32Array, 4);
    case "F64": return view(Float64Array, 8);
    case "F16": return halfToFloat32(view(Uint16Array, 2));
    case "BF16": return bfloat16ToFloat32(view(Uint16Array, 2));
    case "I32": return view(Int32Array, 4);
    case "U32": return view(Uint32Array, 4);
    case "I64": return view(BigInt64Array, 8);
    case "U64": return view(BigUint64Array, 8);
    case "I16": return view(Int16Array, 2);
    case "U16": return view(Uint16Array, 2);
    case "I8": return view(Int8Array, 1);
    case "U8":
    case "BOOL": return view(Uint8Array, 1);
    case "F8_E5M2":
    case "F8_E4M3": return undefined;
  }
}

/** IEEE 754 binary16 bit patterns to float32 (subnormals, infinities and NaN included). */
export function halfToFloat32(half: Uint16Array): Float32Array {
  const out = new Float32Array(half.length);
  for (let i = 0; i < half.length; i++) {
    const h = half[i]!;
    const sign = h & 0x8000 ? -1 : 1;
    const exponent = (h >> 10) & 0x1f;
    const fraction = h & 0x3ff;
    if (exponent === 0) out[i] = sign * fraction * 2 ** -24; // zero or subnormal
    else if (exponent === 0x1f) out[i] = fraction === 0 ? sign * Infinity : NaN;
    else out[i] = sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
  }
  return out;
}

/** bfloat16 is the upper half of a float32. */
export function bfloat16ToFloat32(bf16: Uint16Array): Float32Array {
  const bits = new Uint32Array(bf16.length);
  for (let i = 0; i < bf16.length; i++) bits[i] = bf16[i]! << 16;
  return new Float32Array(bits.buffer);
}

/** float32 to binary16, rounding to nearest even; overflow becomes infinity, NaN stays NaN. */
export function float32ToHalf(values: Float32Array): Uint16Array {
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const x = bits[i]!;
    const sign = (x >>> 16) & 0x8000;
    const exponent = (x >>> 23) & 0xff;
    const mantissa = x & 0x7fffff;
    if (exponent === 0xff) {
      out[i] = sign | 0x7c00 | (mantissa ? 0x200 : 0); // inf or NaN
      continue;
    }
    const e = exponent - 127 + 15;
    if (e >= 0x1f) {
      out[i] = sign | 0x7c00; // overflow
    } else if (e <= 0) {
      // subnormal half (or zero): shift the implicit-1 mantissa right, rounding to nearest even
      if (e < -10) {
        out[i] = sign;
        continue;
      }
      const m = mantissa | 0x800000;
      const shift = 14 - e;
      const half = m >>> shift;
      const rest = m & ((1 << shift) - 1);
      const midpoint = 1 << (shift - 1);
      out[i] = sign | (half + (rest > midpoint || (rest === midpoint && half & 1) ? 1 : 0));
    } else {
      const half = (e << 10) | (mantissa >>> 13);
      const rest = mantissa & 0x1fff;
      // a carry out of the mantissa correctly bumps the exponent (up to infinity)
      out[i] = sign | (half + (rest > 0x1000 || (rest === 0x1000 && half & 1) ? 1 : 0));
    }
  }
  return out;
}

/** float32 to bfloat16, rounding to nearest even; NaN stays NaN. */
export function float32ToBfloat16(values: Float32Array): Uint16Array {
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const x = bits[i]!;
    if ((x & 0x7f800000) === 0x7f800000 && x & 0x7fffff) {
      out[i] = (x >>> 16) | 0x40; // quiet NaN
      continue;
    }
    out[i] = (x + 0x7fff + ((x >>> 16) & 1)) >>> 16;
  }
  return out;
}
