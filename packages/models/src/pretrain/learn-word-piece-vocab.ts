// Learns a WordPiece vocabulary the way Hugging Face's WordPieceTrainer does: BPE merges over the
// word counts of the pre-tokenised corpus, where a word starts as its first character followed by
// `##`-prefixed continuation characters. Every character seen is in the vocabulary (as a start
// piece and, where it occurs inside a word, as a `##` piece), so greedy longest-match WordPiece
// tokenises every training word without [UNK].

/** BERT's special tokens, first in the vocabulary: [PAD] = 0, [UNK] = 1, [CLS] = 2, [SEP] = 3, [MASK] = 4. */
export const SPECIAL_TOKENS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] as const;

const CONTINUATION_PREFIX = "##";

export interface WordPieceVocabOptions {
  /** Target size including special tokens and the alphabet. @default 8000 */
  readonly vocabSize?: number;
  /** A pair must occur at least this often (summed over word counts) to be merged. @default 2 */
  readonly minPairCount?: number;
}

export interface LearnedWordPieceVocab {
  /** The vocabulary in id order: special tokens, single characters, `##` characters, merges. */
  readonly tokens: string[];
  /** Number of single-character pieces (start and `##` forms). */
  readonly alphabetSize: number;
  readonly merges: number;
}

/** Counts the words produced by `pretokenize` over `texts` (e.g. the BERT basic tokenizer's output). */
export function countWords(texts: Iterable<string>, pretokenize: (text: string) => string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const text of texts) {
    for (const word of pretokenize(text)) counts.set(word, (counts.get(word) ?? 0) + 1);
  }
  return counts;
}

/** Learns the vocabulary from word counts; deterministic for the same counts. */
export function learnWordPieceVocab(wordCounts: ReadonlyMap<string, number>, options: WordPieceVocabOptions = {}): LearnedWordPieceVocab {
  const vocabSize = options.vocabSize ?? 8000;
  const minPairCount = options.minPairCount ?? 2;
  if (!Number.isInteger(vocabSize) || vocabSize <= SPECIAL_TOKENS.length) {
    throw new RangeError(`vocabSize must be an integer above ${SPECIAL_TOKENS.length}, got ${vocabSize}`);
  }
  // Sorted words make symbol ids, and so tie-breaks between equal counts, independent of Map order.
  const words = [...wordCounts.keys()].filter((w) => w.length > 0).sort();
  const freq = words.map((w) => wordCounts.get(w)!);

  // Alphabet: start characters and continuation characters, each sorted.
  const startChars = new Set<string>();
  const innerChars = new Set<string>();
  for (const w of words) {
    const chars = [...w];
    startChars.add(chars[0]!);
    for (const c of chars.slice(1)) innerChars.add(c);
  }
  const pieces: string[] = [...[...startChars].sort(), ...[...innerChars].sort().map((c) => CONTINUATION_PREFIX + c)];
  const pieceId = new Map(pieces.map((p, i) => [p, i]));
  const alphabetSize = pieces.length;

  // Each word as a list of piece ids.
  const symbols: number[][] = words.map((w) => [...w].map((c, i) => pieceId.get(i === 0 ? c : CONTINUATION_PREFIX + c)!));

  const pairCounts = new Map<number, number>();
  const pairWords = new Map<number, Set<number>>();
  const heap = new PairHeap();
  // Pairs whose count changed since they were last pushed: pushed once each after a merge, so the
  // heap grows with the number of changed pairs, not with every word update.
  const changed = new Set<number>();
  const key = (a: number, b: number): number => a * PAIR_KEY_BASE + b;
  const addPairs = (wi: number, sign: 1 | -1): void => {
    const s = symbols[wi]!;
    for (let i = 0; i + 1 < s.length; i++) {
      const k = key(s[i]!, s[i + 1]!);
      const count = (pairCounts.get(k) ?? 0) + sign * freq[wi]!;
      pairCounts.set(k, count);
      if (sign > 0) {
        let set = pairWords.get(k);
        if (!set) pairWords.set(k, (set = new Set()));
        set.add(wi);
      }
      changed.add(k);
    }
  };
  const pushChanged = (): void => {
    for (const k of changed) heap.push(pairCounts.get(k) ?? 0, k);
    changed.clear();
  };
  for (let wi = 0; wi < words.length; wi++) addPairs(wi, 1);
  pushChanged();

  let merges = 0;
  while (SPECIAL_TOKENS.length + pieces.length < vocabSize) {
    const best = popBestPair(heap, pairCounts);
    if (best === undefined || best.count < minPairCount) break;
    const a = Math.floor(best.key / PAIR_KEY_BASE);
    const b = best.key % PAIR_KEY_BASE;
    const merged = pieces[a]! + pieces[b]!.slice(CONTINUATION_PREFIX.length);
    let mergedId = pieceId.get(merged);
    if (mergedId === undefined) {
      mergedId = pieces.length;
      pieces.push(merged);
      pieceId.set(merged, mergedId);
      merges++;
    }
    for (const wi of pairWords.get(best.key) ?? []) {
      const s = symbols[wi]!;
      addPairs(wi, -1);
      const next: number[] = [];
      for (let i = 0; i < s.length; i++) {
        if (i + 1 < s.length && s[i] === a && s[i + 1] === b) {
          next.push(mergedId);
          i++;
        } else {
          next.push(s[i]!);
        }
      }
      symbols[wi] = next;
      addPairs(wi, 1);
    }
    pairWords.delete(best.key);
    pairCounts.delete(best.key);
    changed.delete(best.key);
    pushChanged();
  }
  return { tokens: [...SPECIAL_TOKENS, ...pieces], alphabetSize, merges };
}

/** Pieces are ids below 2^21, so a pair fits exactly in a double as a * 2^21 + b. */
const PAIR_KEY_BASE = 2 ** 21;

/** Pops heap entries until one matches the pair's current count (entries go stale as counts change). */
function popBestPair(heap: PairHeap, pairCounts: Map<number, number>): { key: number; count: number } | undefined {
  for (;;) {
    const top = heap.pop();
    if (top === undefined) return undefined;
    if (pairCounts.get(top.key) === top.count && top.count > 0) return top;
  }
}

/** Max-heap on count; ties go to the smaller pair key (earlier pieces), which keeps merges deterministic. */
class PairHeap {
  private readonly counts: number[] = [];
  private readonly keys: number[] = [];

  push(count: number, key: number): void {
    this.counts.push(count);
    this.keys.push(key);
    let i = this.counts.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  pop(): { key: number; count: number } | undefined {
    const n = this.counts.length;
    if (n === 0) return undefined;
    const top = { key: this.keys[0]!, count: this.counts[0]! };
    this.swap(0, n - 1);
    this.counts.pop();
    this.keys.pop();
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let best = i;
      if (l < this.counts.length && this.before(l, best)) best = l;
      if (r < this.counts.length && this.before(r, best)) best = r;
      if (best === i) break;
      this.swap(i, best);
      i = best;
    }
    return top;
  }

  private before(i: number, j: number): boolean {
    const ci = this.counts[i]!;
    const cj = this.counts[j]!;
    return ci > cj || (ci === cj && this.keys[i]! < this.keys[j]!);
  }

  private swap(i: number, j: number): void {
    [this.counts[i], this.counts[j]] = [this.counts[j]!, this.counts[i]!];
    [this.keys[i], this.keys[j]] = [this.keys[j]!, this.keys[i]!];
  }
}
