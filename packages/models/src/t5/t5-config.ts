// T5Config: the architecture of a T5 encoder-decoder (T5 1.0, v1.1, Flan-T5), read from a Hugging Face
// config.json (`parseT5Config`) or written in code (`defineT5Config`); both go through one validation.
import { brief, briefJson, S3petInputError } from "@s3pet/core";

/** `relu`: T5 1.0's wi -> relu -> wo. `gated-gelu`: v1.1's gelu_new(wi_0) * wi_1 -> wo. */
export type T5FeedForward = "relu" | "gated-gelu";
const FEED_FORWARDS: readonly T5FeedForward[] = ["relu", "gated-gelu"];

export interface T5Config {
  readonly modelType: "t5";
  readonly vocabSize: number;
  /** hidden size of the residual stream */
  readonly dModel: number;
  /** size of one attention head (heads * dKv need not equal dModel) */
  readonly dKv: number;
  /** feed-forward inner size */
  readonly dFf: number;
  readonly numLayers: number;
  readonly numDecoderLayers: number;
  readonly numHeads: number;
  readonly relativeAttentionNumBuckets: number;
  readonly relativeAttentionMaxDistance: number;
  readonly layerNormEps: number;
  readonly feedForwardProj: T5FeedForward;
  /** LM head = shared embeddings, applied to the decoder output times dModel^-0.5. */
  readonly tieWordEmbeddings: boolean;
  readonly padTokenId: number;
  readonly eosTokenId: number;
  readonly decoderStartTokenId: number;
  /** Used only by forward passes in training mode. */
  readonly dropoutRate: number;
  /** A T5EncoderModel checkpoint (`architectures: ["T5EncoderModel"]`): the encoder stack only. */
  readonly encoderOnly: boolean;
  /** The source config.json fields we do not model, kept for saving. */
  readonly extra: Readonly<Record<string, unknown>>;
}

// HF T5Config's defaults (t5-small's architecture).
const T5_DEFAULTS: Omit<T5Config, "modelType" | "extra" | "numDecoderLayers"> = {
  vocabSize: 32128,
  dModel: 512,
  dKv: 64,
  dFf: 2048,
  numLayers: 6,
  numHeads: 8,
  relativeAttentionNumBuckets: 32,
  relativeAttentionMaxDistance: 128,
  layerNormEps: 1e-6,
  feedForwardProj: "relu",
  tieWordEmbeddings: true,
  padTokenId: 0,
  eosTokenId: 1,
  decoderStartTokenId: 0,
  dropoutRate: 0.1,
  encoderOnly: false,
};

const HF_NAMES = {
  vocabSize: "vocab_size",
  dModel: "d_model",
  dKv: "d_kv",
  dFf: "d_ff",
  numLayers: "num_layers",
  numDecoderLayers: "num_decoder_layers",
  numHeads: "num_heads",
  relativeAttentionNumBuckets: "relative_attention_num_buckets",
  relativeAttentionMaxDistance: "relative_attention_max_distance",
  layerNormEps: "layer_norm_epsilon",
  feedForwardProj: "feed_forward_proj",
  tieWordEmbeddings: "tie_word_embeddings",
  padTokenId: "pad_token_id",
  eosTokenId: "eos_token_id",
  decoderStartTokenId: "decoder_start_token_id",
  dropoutRate: "dropout_rate",
} as const satisfies Record<keyof Omit<T5Config, "modelType" | "extra" | "encoderOnly">, string>;

/** Largest sizes accepted (t5-11b: d_ff 65536, 128 heads), checked before any tensor exists. */
const LIMITS = {
  vocabSize: 1_000_000,
  dModel: 16_384,
  dKv: 1_024,
  dFf: 131_072,
  numLayers: 256,
  numDecoderLayers: 256,
  numHeads: 256,
  relativeAttentionNumBuckets: 4_096,
  relativeAttentionMaxDistance: 1_000_000,
} as const;

const REQUIRED_FIELDS = ["vocabSize", "dModel", "dKv", "dFf", "numLayers", "numHeads"] as const;

type ConfigFields = Partial<Omit<T5Config, "extra" | "modelType">> & { readonly extra?: Readonly<Record<string, unknown>> };

/** A validated config from HF T5Config's defaults and `fields` (num_decoder_layers defaults to num_layers). */
export function defineT5Config(fields: ConfigFields, source = "T5Config"): T5Config {
  const defined = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as ConfigFields;
  const numLayers = defined.numLayers ?? T5_DEFAULTS.numLayers;
  const config: T5Config = { ...T5_DEFAULTS, numDecoderLayers: numLayers, ...defined, modelType: "t5", extra: fields.extra ?? {} };
  validate(config, source);
  return config;
}

/** Reads an HF config.json object; `source` (the file path) is named in errors. */
export function parseT5Config(json: unknown, source: string): T5Config {
  if (json === null || typeof json !== "object" || Array.isArray(json)) {
    throw new S3petInputError(`${source}: expected a JSON object (a Hugging Face config.json)`);
  }
  const raw = json as Record<string, unknown>;
  if (raw.model_type !== "t5") throw new S3petInputError(`${source}: model_type ${shown(raw.model_type)} is not t5`);
  const missing = REQUIRED_FIELDS.map((f) => HF_NAMES[f]).filter((name) => raw[name] === undefined || raw[name] === null);
  if (missing.length > 0) {
    throw new S3petInputError(`${source}: missing ${missing.join(", ")}; a Hugging Face config.json states the architecture (re-save it with save_pretrained)`);
  }
  const extra: Record<string, unknown> = { ...raw };
  const fields: Record<string, unknown> = { extra };
  for (const [field, hfName] of Object.entries(HF_NAMES)) {
    if (raw[hfName] !== undefined && raw[hfName] !== null) fields[field] = raw[hfName];
    delete extra[hfName];
  }
  const architectures = raw.architectures;
  fields.encoderOnly = Array.isArray(architectures) && architectures.length > 0 && architectures.every((a) => a === "T5EncoderModel");
  // transformers maps the v1.1 spelling `gated-gelu` to gelu_new; `gated-gelu_new` means the same.
  if (fields.feedForwardProj === "gated-gelu_new") fields.feedForwardProj = "gated-gelu";
  delete extra.model_type;
  return defineT5Config(fields as ConfigFields, source);
}

/** Inner size of an attention block: heads * d_kv. */
export function t5InnerDim(config: T5Config): number {
  return config.numHeads * config.dKv;
}

function validate(config: T5Config, source: string): void {
  for (const field of Object.keys(LIMITS) as (keyof typeof LIMITS)[]) {
    const value = config[field];
    if (!Number.isInteger(value) || value <= 0) {
      throw new S3petInputError(`${source}: ${HF_NAMES[field]} must be a positive integer, got ${shown(value)}`);
    }
    if (value > LIMITS[field]) {
      throw new S3petInputError(`${source}: ${HF_NAMES[field]} ${value} is out of range (at most ${LIMITS[field]}); check that config.json belongs to the weights`);
    }
  }
  if (config.relativeAttentionNumBuckets < 4) {
    throw new S3petInputError(`${source}: relative_attention_num_buckets must be at least 4, got ${config.relativeAttentionNumBuckets}`);
  }
  if (!FEED_FORWARDS.includes(config.feedForwardProj)) {
    throw new S3petInputError(`${source}: feed_forward_proj ${shown(config.feedForwardProj)} is not supported; use one of ${FEED_FORWARDS.join(", ")}`);
  }
  if (typeof config.tieWordEmbeddings !== "boolean") {
    throw new S3petInputError(`${source}: tie_word_embeddings must be true or false, got ${shown(config.tieWordEmbeddings)}`);
  }
  if (!(typeof config.layerNormEps === "number" && config.layerNormEps > 0)) {
    throw new S3petInputError(`${source}: layer_norm_epsilon must be > 0, got ${shown(config.layerNormEps)}`);
  }
  for (const field of ["padTokenId", "eosTokenId", "decoderStartTokenId"] as const) {
    const id = config[field];
    if (!Number.isInteger(id) || id < 0 || id >= config.vocabSize) {
      throw new S3petInputError(`${source}: ${HF_NAMES[field]} must be an id in [0, vocab_size), got ${shown(id)}`);
    }
  }
  if (typeof config.encoderOnly !== "boolean") throw new S3petInputError(`${source}: encoderOnly must be true or false`);
  if (!(typeof config.dropoutRate === "number" && config.dropoutRate >= 0 && config.dropoutRate < 1)) {
    throw new S3petInputError(`${source}: dropout_rate out of range [0, 1), got ${shown(config.dropoutRate)}`);
  }
}

function shown(value: unknown): string {
  return typeof value === "string" ? `'${brief(value, 39)}'` : briefJson(value, 40);
}
