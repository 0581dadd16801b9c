// pretrain-report.json: everything the model card states about the embedded backbone, measured by
// the run that produced it (the card is rendered from this file, never written by hand).
import type { BackendInfo } from "@s3pet/core";
import type { PretrainEval } from "./pretrain-checkpoint.js";
import type { FrequencyBaseline } from "./prepare-mlm-data.js";
import type { CorpusSourceInfo, PreparedCorpusInfo } from "./pretraining-corpus.js";

export interface PretrainReport {
  readonly model: {
    readonly architecture: string;
    readonly layers: number;
    readonly hidden: number;
    readonly heads: number;
    readonly intermediate: number;
    readonly vocabSize: number;
    readonly maxPositions: number;
    /** config.json position_embedding_type; absent in reports from before the option (absolute). */
    readonly positionEmbeddingType?: string;
    /** Parameters of the encoder (what PET budgets are relative to). */
    readonly encoderParams: number;
    /** Parameters of the MLM head besides the tied decoder weight. */
    readonly headParams: number;
  };
  readonly corpus: {
    readonly sources: readonly CorpusSourceInfo[];
    readonly heldOutRule: string;
    readonly trainDocuments: number;
    readonly heldOutDocuments: number;
    /** WordPiece tokens of the training documents. */
    readonly trainTokens: number;
    readonly heldOutTokens: number;
    readonly trainSequences: number;
    readonly evalSequences: number;
    readonly evalMaskedTokens: number;
    /** The wider corpus of tools/corpus/prepare-corpus.mjs, when the run used one. */
    readonly prepared?: PreparedCorpusInfo;
  };
  readonly vocab: { readonly size: number; readonly alphabetSize: number; readonly merges: number; readonly lowerCase: boolean };
  readonly training: {
    readonly steps: number;
    readonly batchSize: number;
    readonly seqLength: number;
    readonly tokensPerStep: number;
    /** Passes over the packed training sequences. */
    readonly epochs: number;
    readonly learningRate: number;
    readonly warmupSteps: number;
    readonly weightDecay: number;
    readonly maxGradNorm: number;
    readonly maskProb: number;
    readonly dropout: number;
    readonly seed: number;
    /** Data-parallel units the run used, in every session (`--resume` refuses another count: a run is deterministic for a given one); absent in reports from before it was recorded. */
    readonly workers?: number;
    /** Wall-clock seconds of training and evaluation (all sessions of a resumed run), slowed by other load on the machine. */
    readonly seconds: number;
    /** Seconds inside training steps only. */
    readonly trainSeconds: number;
    /** CPU seconds of the process (user + system) for training and evaluation: on one core, the time it takes unshared. */
    readonly cpuSeconds: number;
    readonly tokensPerSecond: number;
  };
  readonly heldOut: {
    readonly loss: number;
    readonly accuracy: number;
    readonly perplexity: number;
    readonly frequencyBaseline: FrequencyBaseline;
  };
  /** The same measures on the prepared sources' held-out documents (runs on a prepared corpus). */
  readonly heldOutPrepared?: {
    readonly loss: number;
    readonly accuracy: number;
    readonly documents: number;
    readonly tokens: number;
    readonly evalSequences: number;
    readonly evalMaskedTokens: number;
  };
  readonly evals: readonly PretrainEval[];
  /** The exact command line that produced this directory. */
  readonly command: string;
  readonly backend: BackendInfo;
  /** ISO time the run started. */
  readonly date: string;
  readonly resumed: boolean;
  /** The frozen-feature probe of tools/bench/probe/probe.mjs --into <dir>, added after the run. */
  readonly probe?: ProbeReport;
  /** Remarks written into the report by hand after the run (a known flaw of it, say); the card prints them under Training. */
  readonly notes?: readonly string[];
}

/** A linear head on the frozen pooled output, per benchmark task (tools/bench/probe/probe.mjs). */
export interface ProbeReport {
  readonly command: string;
  readonly rows: readonly ProbeRow[];
  /** The same probe of another backbone, shown beside (the one this model replaces). */
  readonly reference?: { readonly name: string; readonly rows: readonly ProbeRow[] };
}

export interface ProbeRow {
  readonly task: string;
  /** Test accuracy of the linear head, and of always predicting the train split's majority class. */
  readonly probeTest: number;
  readonly majorityTest: number;
}
