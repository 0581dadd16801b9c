// @s3pet/models: backbones (BERT/RoBERTa encoder), HF checkpoints, tokenizers and task heads.

// --- BERT/RoBERTa encoder
export type { BertConfig, BertModelType, HiddenAct } from "./bert/bert-config.js";
export { defineBertConfig, parseBertConfig, bertConfigToJson } from "./bert/bert-config.js";
export type { BertModelOptions, BertForwardOptions } from "./bert/bert-model.js";
export { BertModel } from "./bert/bert-model.js";
export type { BertTensorSpec, BertWeights, BertWeightTree, BertLayerWeights, LinearWeights, NormWeights } from "./bert/bert-weights.js";
export { buildBertWeights, bertTensorSpecs } from "./bert/bert-weights.js";
export type { RandomInitOptions } from "./bert/init-random-bert.js";
export { initRandomBertModel } from "./bert/init-random-bert.js";
export type { AttentionDims } from "./bert/gated-prefix-attention.js";
export { gatedPrefixAttention, additiveMask, MASKED_SCORE } from "./bert/gated-prefix-attention.js";

// --- heads
export { createClassificationHead } from "./heads/classification-head.js";
export type { MaskedLmWeights } from "./heads/masked-lm-head.js";
export { MaskedLmHead, createMaskedLmHead, maskedLmNames } from "./heads/masked-lm-head.js";
