// SeededRng: the one random number generator of S3PET (splits, shuffles, gate noise, baselines, seeds
// for tf.random* ops). xoshiro128** (Blackman & Vigna) seeded through splitmix32; the whole state is four
// uint32s, so it round-trips through JSON for --resume and continues the exact same stream.
import { CheckpointError, S3petInputError } from "../errors/s3pet-error.js";

export const RNG_ALGORITHM = "xoshiro128**";

/** A generator's complete state (JSON-serialisable). */
export interface RngState {
  readonly algorithm: typeof RNG_ALGORITHM;
  readonly state: readonly [number, number, number, number];
}

const TWO_POW_32 = 2 ** 32;
const TWO_POW_53 = 2 ** 53;
const MAX_TF_SEED = 2 ** 31 - 1;

export class SeededRng {
  private readonly s: Uint32Array;

  /** @param seed any safe integer (e.g. the --seed flag) */
  constructor(seed: number) {
    if (!Number.isSafeInteger(seed)) throw new S3petInputError(`seed must be an integer, got ${seed} (set --seed to a whole number)`);
    // Both 32-bit halves of the seed feed splitmix32, so seeds that differ only above bit 32 differ.
    this.s = splitmix32State(mix32(Math.floor(seed / TWO_POW_32) ^ 0x9e3779b9, seed >>> 0));
  }

  /** Uniform in [0, 1) with 53 random bits. */
  next(): number {
    const high = this.nextUint32() >>> 5; // 27 bits
    const low = this.nextUint32() >>> 6; // 26 bits
    return (high * 2 ** 26 + low) / TWO_POW_53;
  }

  /** Uniform integer in [0, n). */
  nextInt(n: number): number {
    if (!Number.isSafeInteger(n) || n <= 0) throw new RangeError(`SeededRng.nextInt: n must be a positive integer, got ${n}`);
    return Math.floor(this.next() * n);
  }

  /** Standard normal (Box-Muller; uses two uniforms, keeps no spare so the state stays four numbers). */
  normal(): number {
    const u = 1 - this.next(); // (0, 1]: log is finite
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Fisher-Yates shuffle of `a`, in place; returns `a`. */
  shuffle<T>(a: T[]): T[] {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.nextInt(i + 1);
      [a[i], a[j]] = [a[j]!, a[i]!];
    }
    return a;
  }

  /** An integer in [0, 2^31 - 1) for the `seed` argument of tf.random* ops and initialisers. */
  nextSeed(): number {
    return this.nextInt(MAX_TF_SEED);
  }

  /**
   * An independent generator for one purpose (e.g. "split", "gates"), derived from this generator's
   * current state and the label; this generator does not advance, so forks do not depend on call order.
   */
  fork(label: string): SeededRng {
    let h = mix32(this.s[0]!, this.s[1]!) ^ mix32(this.s[2]!, this.s[3]!);
    for (let i = 0; i < label.length; i++) h = mix32(h, label.charCodeAt(i));
    const child = Object.create(SeededRng.prototype) as SeededRng;
    (child as unknown as { s: Uint32Array }).s = splitmix32State(h);
    return child;
  }

  getState(): RngState {
    return { algorithm: RNG_ALGORITHM, state: [this.s[0]!, this.s[1]!, this.s[2]!, this.s[3]!] };
  }

  /** Restores a generator saved with getState(); it continues the same stream. */
  static fromState(saved: RngState): SeededRng {
    const words = (saved as { state?: unknown })?.state;
    const valid =
      (saved as { algorithm?: unknown })?.algorithm === RNG_ALGORITHM &&
      Array.isArray(words) &&
      words.length === 4 &&
      words.every((w) => Number.isInteger(w) && w >= 0 && w < TWO_POW_32) &&
      words.some((w) => w !== 0);
    if (!valid) {
      throw new CheckpointError(`RNG state ${JSON.stringify(saved)} is not a ${RNG_ALGORITHM} state of four non-zero uint32s (checkpoint corrupt? start without --resume)`);
    }
    const rng = Object.create(SeededRng.prototype) as SeededRng;
    (rng as unknown as { s: Uint32Array }).s = Uint32Array.from(words as number[]);
    return rng;
  }

  /** xoshiro128**: one 32-bit output. */
  private nextUint32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1]!, 5), 7), 9) >>> 0;
    const t = s[1]! << 9;
    s[2]! ^= s[0]!;
    s[3]! ^= s[1]!;
    s[1]! ^= s[2]!;
    s[0]! ^= s[3]!;
    s[2]! ^= t;
    s[3] = rotl(s[3]!, 11);
    return result;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** A 32-bit mixing step (murmur3 finaliser over a ^ b*golden). */
function mix32(a: number, b: number): number {
  let h = (a ^ Math.imul(b, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Four splitmix32 outputs from a 32-bit seed: never all zero, well spread even for seeds 0, 1, 2, ... */
function splitmix32State(seed: number): Uint32Array {
  const s = new Uint32Array(4);
  let x = seed >>> 0;
  for (let i = 0; i < 4; i++) {
    x = (x + 0x9e3779b9) >>> 0;
    let z = x;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    s[i] = (z ^ (z >>> 16)) >>> 0;
  }
  if (s.every((w) => w === 0)) s[0] = 1;
  return s;
}
