// BertConfig: the architecture of a BERT or RoBERTa encoder, read from a Hugging Face config.json
// (`parseBertConfig`) or written in code (`defineBertConfig`); both go through one validation.
// `bertConfigToJson` writes it back in the HF field names, keeping unknown fields of the source.
import { brief, briefJson, S3petInputError } from "@s3pet/core";

/** `gelu` is the exact erf form; `gelu_new`, `gelu_pytorch_tanh` and `gelu_fast` the tanh approximation. */
export type HiddenAct = "gelu" | "gelu_new" | "gelu_pytorch_tanh" | "gelu_fast" | "relu";
const HIDDEN_ACTS: readonly HiddenAct[] = ["gelu", "gelu_new", "gelu_pytorch_tanh", "gelu_fast", "relu"];

/** `bert`: positions 0..T-1. `roberta`: positions start after padding_idx and skip pad tokens. */
export type BertModelType = "bert" | "roberta";

/**
 * `absolute`: learned position embeddings added to the word embeddings. `relative_key` (Shaw et al. 2018)
 * and `relative_key_query` (Huang et al. 2020): each layer's attention scores get a term from a learned
 * embedding per query-key distance instead (HF BertSelfAttention's `distance_embedding`).
 */
export const POSITION_EMBEDDING_TYPES = ["absolute", "relative_key", "relative_key_query"] as const;
export type PositionEmbeddingType = (typeof POSITION_EMBEDDING_TYPES)[number];

export interface BertConfig {
  readonly modelType: BertModelType;
  readonly vocabSize: number;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly numHeads: number;
  readonly intermediateSize: number;
  readonly hiddenAct: HiddenAct;
  readonly maxPositions: number;
  readonly positionEmbeddingType: PositionEmbeddingType;
  readonly typeVocabSize: number;
  readonly layerNormEps: number;
  readonly padTokenId: number;
  readonly initializerRange: number;
  /** Used only by forward passes in training mode (pretraining). */
  readonly hiddenDropoutProb: number;
  readonly attentionDropoutProb: number;
  /** The source config.json fields we do not model (architectures, torch_dtype, ...), kept for saving. */
  readonly extra: Readonly<Record<string, unknown>>;
}

const BERT_DEFAULTS: Omit<BertConfig, "modelType" | "extra"> = {
  vocabSize: 30522,
  hiddenSize: 768,
  numLayers: 12,
  numHeads: 12,
  intermediateSize: 3072,
  hiddenAct: "gelu",
  maxPositions: 512,
  positionEmbeddingType: "absolute",
  typeVocabSize: 2,
  layerNormEps: 1e-12,
  padTokenId: 0,
  initializerRange: 0.02,
  hiddenDropoutProb: 0.1,
  attentionDropoutProb: 0.1,
};

// HF field name of each BertConfig field.
const HF_NAMES = {
  vocabSize: "vocab_size",
  hiddenSize: "hidden_size",
  numLayers: "num_hidden_layers",
  numHeads: "num_attention_heads",
  intermediateSize: "intermediate_size",
  hiddenAct: "hidden_act",
  maxPositions: "max_position_embeddings",
  positionEmbeddingType: "position_embedding_type",
  typeVocabSize: "type_vocab_size",
  layerNormEps: "layer_norm_eps",
  padTokenId: "pad_token_id",
  initializerRange: "initializer_range",
  hiddenDropoutProb: "hidden_dropout_prob",
  attentionDropoutProb: "attention_probs_dropout_prob",
} as const satisfies Record<keyof typeof BERT_DEFAULTS, string>;

/**
 * Largest value of each size we accept: far above any BERT/RoBERTa (xlm-roberta-xl: 36 layers, hidden
 * 2560, vocabulary 250k), far below what a typo or a corrupt file can ask for (10^9 layers would be
 * allocated for minutes before running out of memory). Checked before any tensor exists.
 */
export const BERT_CONFIG_LIMITS = {
  vocabSize: 1_000_000,
  hiddenSize: 16_384,
  numLayers: 256,
  numHeads: 256,
  intermediateSize: 65_536,
  maxPositions: 65_536,
  typeVocabSize: 1_024,
} as const;

/** Fields a config.json must give: the architecture itself, which no default may guess. */
const REQUIRED_FIELDS = ["vocabSize", "hiddenSize", "numLayers", "numHeads", "intermediateSize"] as const;

type ConfigFields = Partial<Omit<BertConfig, "extra">> & { readonly extra?: Readonly<Record<string, unknown>> };

/** A validated config from defaults (HF BertConfig's, RobertaConfig's pad id 1) and `fields`. */
export function defineBertConfig(fields: ConfigFields, source = "BertConfig"): BertConfig {
  const modelType = fields.modelType ?? "bert";
  const config: BertConfig = {
    ...BERT_DEFAULTS,
    padTokenId: modelType === "roberta" ? 1 : 0,
    ...definedOnly(fields),
    modelType,
    extra: fields.extra ?? {},
  };
  validate(config, source);
  return config;
}

/** Reads an HF config.json object; `source` (the file path) is named in errors. */
export function parseBertConfig(json: unknown, source: string): BertConfig {
  if (json === null || typeof json !== "object" || Array.isArray(json)) {
    throw new S3petInputError(`${source}: expected a JSON object (a Hugging Face config.json)`);
  }
  const raw = json as Record<string, unknown>;
  const modelType = raw.model_type ?? "bert";
  if (modelType !== "bert" && modelType !== "roberta") {
    throw new S3petInputError(
      `${source}: model_type ${shown(modelType)} is not supported; use a bert or roberta checkpoint`,
    );
  }
  const missing = REQUIRED_FIELDS.map((f) => HF_NAMES[f]).filter((name) => raw[name] === undefined || raw[name] === null);
  if (missing.length > 0) {
    throw new S3petInputError(
      `${source}: missing ${missing.join(", ")}; a Hugging Face config.json states the architecture (re-save it with save_pretrained)`,
    );
  }
  const extra: Record<string, unknown> = { ...raw };
  const fields: Record<string, unknown> = { modelType, extra };
  for (const [field, hfName] of Object.entries(HF_NAMES)) {
    if (raw[hfName] !== undefined && raw[hfName] !== null) fields[field] = raw[hfName];
    delete extra[hfName];
  }
  delete extra.model_type;
  return defineBertConfig(fields as ConfigFields, source);
}

/** The config as HF config.json fields (unknown source fields kept, ours overwriting). */
export function bertConfigToJson(config: BertConfig): Record<string, unknown> {
  const architectures = [config.modelType === "roberta" ? "RobertaModel" : "BertModel"];
  const json: Record<string, unknown> = { architectures, ...config.extra, model_type: config.modelType };
  for (const [field, hfName] of Object.entries(HF_NAMES)) json[hfName] = config[field as keyof typeof HF_NAMES];
  return json;
}

function validate(config: BertConfig, source: string): void {
  const positive: (keyof typeof HF_NAMES)[] = [
    "vocabSize",
    "hiddenSize",
    "numLayers",
    "numHeads",
    "intermediateSize",
    "maxPositions",
    "typeVocabSize",
  ];
  for (const field of positive) {
    const value = config[field];
    if (!Number.isInteger(value) || (value as number) <= 0) {
      throw new S3petInputError(`${source}: ${HF_NAMES[field]} must be a positive integer, got ${shown(value)}`);
    }
    const limit = BERT_CONFIG_LIMITS[field as keyof typeof BERT_CONFIG_LIMITS];
    if ((value as number) > limit) {
      throw new S3petInputError(`${source}: ${HF_NAMES[field]} ${value} is out of range (at most ${limit}); check that config.json belongs to the weights`);
    }
  }
  if (config.hiddenSize % config.numHeads !== 0) {
    throw new S3petInputError(
      `${source}: hidden_size ${config.hiddenSize} must be divisible by num_attention_heads ${config.numHeads}`,
    );
  }
  if (!(POSITION_EMBEDDING_TYPES as readonly string[]).includes(config.positionEmbeddingType)) {
    throw new S3petInputError(
      `${source}: position_embedding_type ${shown(config.positionEmbeddingType)} is not supported; use one of ${POSITION_EMBEDDING_TYPES.join(", ")}`,
    );
  }
  if (!HIDDEN_ACTS.includes(config.hiddenAct)) {
    throw new S3petInputError(
      `${source}: hidden_act ${shown(config.hiddenAct)} is not supported; use one of ${HIDDEN_ACTS.join(", ")}`,
    );
  }
  if (!(config.layerNormEps > 0)) {
    throw new S3petInputError(`${source}: layer_norm_eps must be > 0, got ${shown(config.layerNormEps)}`);
  }
  if (!Number.isInteger(config.padTokenId) || config.padTokenId < 0 || config.padTokenId >= config.vocabSize) {
    throw new S3petInputError(`${source}: pad_token_id must be an id in [0, vocab_size), got ${shown(config.padTokenId)}`);
  }
  for (const field of ["hiddenDropoutProb", "attentionDropoutProb", "initializerRange"] as const) {
    const value = config[field];
    if (typeof value !== "number" || !(value >= 0) || (field !== "initializerRange" && value >= 1)) {
      throw new S3petInputError(`${source}: ${HF_NAMES[field]} out of range, got ${shown(value)}`);
    }
  }
  if (config.modelType === "roberta" && config.maxPositions <= config.padTokenId + 1) {
    throw new S3petInputError(
      `${source}: roberta positions start at pad_token_id + 1, so max_position_embeddings must exceed ${config.padTokenId + 1}`,
    );
  }
}

function definedOnly<T extends object>(fields: T): Partial<T> {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** A value as it appears in the JSON (strings in single quotes), cut short. */
function shown(value: unknown): string {
  return typeof value === "string" ? `'${brief(value, 39)}'` : briefJson(value, 40);
}
