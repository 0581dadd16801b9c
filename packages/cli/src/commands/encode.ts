// `s3pet encode`: feature extraction with a checkpoint (no padding), the quick way to check that a
// Hugging Face checkpoint loads and computes what transformers computes. --json prints exactly
// {"tokens", "inputIds", "lastHiddenState", "pooledOutput"}; without it, a short summary.
import * as tf from "@tensorflow/tfjs";
import { initBackend, S3petInputError } from "@s3pet/core";
import { checkpointModelType, encodeBatch, loadPretrained, loadT5Pretrained, loadTokenizer } from "@s3pet/models";
import { defineCommand } from "../cli/command.js";

/** Values shown per vector in the summary. */
const PREVIEW = 4;
/** T5 has relative positions and no hard limit; 512 tokens is what it was pretrained on. */
const T5_POSITIONS = 512;

export const encode = defineCommand({
  name: "encode",
  summary: "tokenize a text (or pair) and print the backbone's hidden states",
  description:
    "Loads a checkpoint directory in the Hugging Face layout (config.json, model.safetensors, vocab.txt or " +
    "tokenizer.json), encodes --text (and --pair) without padding, truncated to the model's positions or " +
    "--max-length, and prints the tokens, ids, last hidden state and pooled output (for a T5: the encoder's last " +
    "hidden state, and the decoder's output at the start token as the pooled output).",
  options: {
    model: { type: "string", valueName: "dir", description: "checkpoint directory (Hugging Face layout), e.g. assets/backbone" },
    text: { type: "string", description: "the text to encode" },
    pair: { type: "string", description: "a second text, encoded as the pair segment ([SEP]-separated, token type 1)" },
    "max-length": { type: "string", valueName: "n", description: "truncate to n tokens, special tokens included (default: the model's positions)" },
    json: { type: "boolean", description: "print one JSON object: tokens, inputIds, lastHiddenState, pooledOutput" },
  },
  examples: [
    { command: "s3pet encode --model assets/backbone --text 'The search found a sparse structure.'", description: "summary of the encoding" },
    { command: "s3pet encode --model assets/backbone --text 'Is it tiny?' --pair 'Yes.' --json", description: "a pair, as JSON" },
  ],
  async run({ values }, io) {
    if (values.model === undefined) throw new S3petInputError("--model: pass a checkpoint directory, e.g. --model assets/backbone");
    if (values.text === undefined) throw new S3petInputError("--text: pass the text to encode, e.g. --text 'hello world'");
    await initBackend();
    const { model, positions, notes } = loadForEncode(values.model);
    try {
      const tokenizer = loadTokenizer(values.model);
      const maxLength = values["max-length"] === undefined ? positions : parseMaxLength(values["max-length"], positions);
      const encoding = tokenizer.encode(values.text, values.pair ?? null, { maxLength });
      const batch = encodeBatch(tokenizer, [{ text: values.text, pair: values.pair ?? null }], { maxLength });
      const { lastHiddenState, pooledOutput } = tf.tidy(() => {
        const out = model.forward(batch);
        return { lastHiddenState: out.lastHiddenState.arraySync()[0]!, pooledOutput: out.pooledOutput.arraySync()[0]! };
      });
      if (values.json) {
        io.stdout.write(`${JSON.stringify({ tokens: encoding.tokens, inputIds: encoding.ids, lastHiddenState, pooledOutput })}\n`);
        return;
      }
      const lines = [
        ["model", `${values.model} (${model.description})`],
        ["tokens", `${encoding.tokens.length}: ${encoding.tokens.join(" ")}`],
        ["ids", encoding.ids.join(" ")],
        ["hidden", `[${lastHiddenState.length}, ${model.hiddenSize}], first token: ${preview(lastHiddenState[0]!)}`],
        ["pooled", `[${pooledOutput.length}]: ${preview(pooledOutput)}`],
        ...notes.map((note) => ["note", note]),
      ];
      io.stdout.write(lines.map(([k, text]) => `${k!.padEnd(7)} ${text}`).join("\n") + "\n");
    } finally {
      model.dispose();
    }
  },
});

/** The checkpoint's model (BERT/RoBERTa or T5) and how many tokens it takes. */
function loadForEncode(dir: string) {
  if (checkpointModelType(dir) === "t5") {
    const { model, notes } = loadT5Pretrained(dir);
    return { model, notes, positions: T5_POSITIONS };
  }
  const { model, config, notes } = loadPretrained(dir);
  const positions = config.modelType === "roberta" ? config.maxPositions - config.padTokenId - 1 : config.maxPositions;
  return { model, notes, positions };
}

function parseMaxLength(text: string, positions: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 2 || n > positions) {
    throw new S3petInputError(`--max-length: expected an integer in [2, ${positions}] (the model's positions), got '${text}'`);
  }
  return n;
}

function preview(values: readonly number[]): string {
  const shown = values.slice(0, PREVIEW).map((x) => x.toFixed(4));
  return shown.join(" ") + (values.length > PREVIEW ? " ..." : "");
}
