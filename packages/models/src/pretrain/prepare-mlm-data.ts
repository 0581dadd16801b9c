// Turns the corpus into what MLM pretraining consumes: a WordPiece vocabulary learned from the
// training documents only (the BERT basic tokenizer's lower-cased words), the training token stream
// packed into full-length pair sequences, a fixed masked held-out set, and the frequency baseline
// a trained model must beat (always predicting the most frequent training token).
import type { SeededRng } from "@s3pet/core";
import { bertTokenizer, type BertTokenizerOptions } from "../tokenizer/bert-tokenizer.js";
import type { HfJsonTokenizer } from "../tokenizer/hf-json-tokenizer.js";
import { countWords, learnWordPieceVocab, SPECIAL_TOKENS, type LearnedWordPieceVocab } from "./learn-word-piece-vocab.js";
import { maskTokens, type MaskedBatch } from "./mask-tokens.js";
import { packSequences, type PackedSequences } from "./pack-sequences.js";
import type { CorpusDocument, PretrainingCorpus } from "./pretraining-corpus.js";

export interface MlmDataOptions {
  readonly vocabSize: number;
  readonly seqLength: number;
  /** Held-out sequences evaluated at each eval (fewer if the held-out text is shorter). */
  readonly evalSequences: number;
}

/**
 * The held-out sets are masked at BERT's 15% whatever share the training masks, so held-out loss and
 * accuracy compare across recipes (a higher masking rate leaves less context and scores lower).
 */
export const EVAL_MASK_PROB = 0.15;

export interface MlmData {
  readonly vocab: LearnedWordPieceVocab;
  readonly tokenizer: HfJsonTokenizer;
  readonly train: PackedSequences;
  /** Held-out sequences with their fixed masking, [evalCount, T] row-major. */
  readonly heldOut: { readonly sequences: PackedSequences; readonly masked: MaskedBatch };
  /** The same for the prepared sources' held-out documents; null without a prepared corpus. */
  readonly heldOutPrepared: { readonly sequences: PackedSequences; readonly masked: MaskedBatch; readonly tokens: number } | null;
  readonly trainTokens: number;
  readonly heldOutTokens: number;
  readonly frequencyBaseline: FrequencyBaseline;
}

export interface FrequencyBaseline {
  /** The most frequent non-special training token. */
  readonly token: string;
  /** Held-out masked accuracy of always predicting `token`. */
  readonly accuracy: number;
  /** Held-out masked cross-entropy of the training unigram distribution (add-one smoothed), nats. */
  readonly unigramLoss: number;
}

/** Deterministic for the same corpus, options and rng. */
export function prepareMlmData(corpus: PretrainingCorpus, options: MlmDataOptions, rng: SeededRng): MlmData {
  const tokenizerOptions = { doLowerCase: true };
  const vocab = learnWordPieceVocab(countWords(paragraphs(corpus.train), basicTokenizer(tokenizerOptions)), { vocabSize: options.vocabSize });
  const tokenizer = bertTokenizer(vocab.tokens, tokenizerOptions);
  const idOf = new Map(vocab.tokens.map((token, id) => [token, id]));
  const ids = (text: string) => tokenizer.tokenize(text).map((token) => idOf.get(token)!);
  const clsId = SPECIAL_TOKENS.indexOf("[CLS]");
  const sepId = SPECIAL_TOKENS.indexOf("[SEP]");
  const maskId = SPECIAL_TOKENS.indexOf("[MASK]");

  const trainStream = tokenStream(corpus.train, ids);
  const heldOutStream = tokenStream(corpus.heldOut, ids);
  const train = packSequences(trainStream, { seqLength: options.seqLength, clsId, sepId, rng: rng.fork("pack-train") });
  const evalSet = (stream: Int32Array, name: string) => {
    const all = packSequences(stream, { seqLength: options.seqLength, clsId, sepId, rng: rng.fork(`pack-${name}`) });
    // An evenly spaced subset covers every held-out document rather than the first few.
    const sequences = takeRows(all, evalIndices(all.count, Math.min(options.evalSequences, all.count)));
    const masked = maskTokens(
      sequences.inputIds,
      { maskId, vocabSize: vocab.tokens.length, numSpecialTokens: SPECIAL_TOKENS.length, maskProb: EVAL_MASK_PROB },
      rng.fork(`mask-${name}`),
    );
    return { sequences, masked };
  };
  const { sequences: heldOutSequences, masked } = evalSet(heldOutStream, "held-out");
  const preparedStream = corpus.heldOutPrepared.length > 0 ? tokenStream(corpus.heldOutPrepared, ids) : null;

  return {
    vocab,
    tokenizer,
    train,
    heldOut: { sequences: heldOutSequences, masked },
    heldOutPrepared: preparedStream ? { ...evalSet(preparedStream, "held-out-prepared"), tokens: preparedStream.length } : null,
    trainTokens: trainStream.length,
    heldOutTokens: heldOutStream.length,
    frequencyBaseline: frequencyBaseline(trainStream, masked.labels, vocab.tokens),
  };
}

/**
 * The words (clean-up, lower-casing, accent stripping, split on whitespace and punctuation) of the
 * same tokenizer that will read vocab.txt, so learning and tokenising agree.
 */
function basicTokenizer(options: Partial<BertTokenizerOptions>): (text: string) => string[] {
  const withSpecialsOnly = bertTokenizer(SPECIAL_TOKENS, options);
  return (text) => withSpecialsOnly.preTokenize(text);
}

function* paragraphs(documents: readonly CorpusDocument[]): Iterable<string> {
  for (const d of documents) yield* d.paragraphs;
}

/** All documents' paragraphs as one id stream, in corpus order. */
function tokenStream(documents: readonly CorpusDocument[], ids: (text: string) => number[]): Int32Array {
  const chunks: number[][] = [];
  let total = 0;
  for (const p of paragraphs(documents)) {
    const chunk = ids(p);
    chunks.push(chunk);
    total += chunk.length;
  }
  const stream = new Int32Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    stream.set(chunk, offset);
    offset += chunk.length;
  }
  return stream;
}

function evalIndices(available: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => Math.floor((i * available) / count));
}

function takeRows(packed: PackedSequences, rows: readonly number[]): PackedSequences {
  const T = packed.seqLength;
  const inputIds = new Int32Array(rows.length * T);
  const tokenTypeIds = new Int32Array(rows.length * T);
  rows.forEach((r, i) => {
    inputIds.set(packed.inputIds.subarray(r * T, (r + 1) * T), i * T);
    tokenTypeIds.set(packed.tokenTypeIds.subarray(r * T, (r + 1) * T), i * T);
  });
  return { count: rows.length, seqLength: T, inputIds, tokenTypeIds };
}

function frequencyBaseline(trainStream: Int32Array, labels: Int32Array, tokens: readonly string[]): FrequencyBaseline {
  const counts = new Float64Array(tokens.length);
  for (const id of trainStream) counts[id]!++;
  let best = SPECIAL_TOKENS.length;
  for (let id = SPECIAL_TOKENS.length; id < tokens.length; id++) if (counts[id]! > counts[best]!) best = id;
  const total = trainStream.length + tokens.length; // add-one smoothing over the whole vocabulary
  let hits = 0;
  let nll = 0;
  for (const label of labels) {
    if (label === best) hits++;
    nll -= Math.log((counts[label]! + 1) / total);
  }
  return { token: tokens[best]!, accuracy: hits / labels.length, unigramLoss: nll / labels.length };
}
