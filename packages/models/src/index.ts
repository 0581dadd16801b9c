// @s3pet/models: backbones (BERT/RoBERTa encoder), HF checkpoints, tokenizers and task heads.

// --- BERT/RoBERTa encoder
export type { BertConfig, BertModelType, HiddenAct, PositionEmbeddingType } from "./bert/bert-config.js";
export { defineBertConfig, parseBertConfig, bertConfigToJson, POSITION_EMBEDDING_TYPES } from "./bert/bert-config.js";
export type { BertModelOptions, BertForwardOptions } from "./bert/bert-model.js";
export { BertModel } from "./bert/bert-model.js";
export type { BertTensorSpec, BertWeights, BertWeightTree, BertLayerWeights, LinearWeights, NormWeights } from "./bert/bert-weights.js";
export { buildBertWeights, bertTensorSpecs } from "./bert/bert-weights.js";
export type { RandomInitOptions } from "./bert/init-random-bert.js";
export { initRandomBertModel } from "./bert/init-random-bert.js";
export { bertMemoryProfile } from "./bert/bert-memory-profile.js";
export type { AttentionDims } from "./bert/gated-prefix-attention.js";
export { gatedPrefixAttention, additiveMask, MASKED_SCORE } from "./bert/gated-prefix-attention.js";
export { layerNorm } from "./bert/layer-norm.js";

// --- checkpoints (Hugging Face layout)
export type { LoadPretrainedOptions, LoadedBackbone } from "./checkpoint/load-pretrained.js";
export { loadPretrained, readBertConfig } from "./checkpoint/load-pretrained.js";
export type { SaveBackboneOptions, TokenizerFiles } from "./checkpoint/save-backbone.js";
export { saveBackbone } from "./checkpoint/save-backbone.js";

// --- heads
export { createClassificationHead } from "./heads/classification-head.js";
export { createVerbaliserHead, labelWordTokens } from "./heads/verbaliser-head.js";
export type { MaskedLmWeights } from "./heads/masked-lm-head.js";
export { MaskedLmHead, createMaskedLmHead, maskedLmNames } from "./heads/masked-lm-head.js";

// --- tokenizers
export type { TextTokenizer, Encoding, EncodeOptions } from "./tokenizer/text-tokenizer.js";
export type { BertTokenizerOptions } from "./tokenizer/bert-tokenizer.js";
export { bertTokenizer, readBertTokenizer } from "./tokenizer/bert-tokenizer.js";
export type { HfJsonTokenizerOptions } from "./tokenizer/hf-json-tokenizer.js";
export { HfJsonTokenizer } from "./tokenizer/hf-json-tokenizer.js";
export { loadTokenizer } from "./tokenizer/load-tokenizer.js";
export { checkTokenizerFits } from "./tokenizer/check-tokenizer-fits.js";
export type { TextExample, EncodeBatchOptions } from "./tokenizer/encode-batch.js";
export { encodeBatch } from "./tokenizer/encode-batch.js";

// --- MLM pretraining of the embedded backbone
export type { CorpusDocument, CorpusSourceInfo, CorpusSourceName, PretrainingCorpus } from "./pretrain/pretraining-corpus.js";
export { readPretrainingCorpus } from "./pretrain/pretraining-corpus.js";
export type { LearnedWordPieceVocab, WordPieceVocabOptions } from "./pretrain/learn-word-piece-vocab.js";
export { learnWordPieceVocab, countWords } from "./pretrain/learn-word-piece-vocab.js";
export type { PretrainMlmOptions, PretrainProgress } from "./pretrain/pretrain-mlm.js";
export { pretrainMlm, PRETRAIN_CHECKPOINT_FILE } from "./pretrain/pretrain-mlm.js";
export type { PretrainReport } from "./pretrain/pretrain-report.js";
export type { PretrainEval } from "./pretrain/pretrain-checkpoint.js";
export { renderModelCard } from "./pretrain/model-card.js";

// --- T5 encoder-decoder
export type { T5Config, T5FeedForward } from "./t5/t5-config.js";
export { defineT5Config, parseT5Config, t5InnerDim } from "./t5/t5-config.js";
export { T5Model, t5Sites, t5Description } from "./t5/t5-model.js";
export type { T5TensorSpec, T5Weights, T5WeightTree } from "./t5/t5-weights.js";
export { buildT5Weights, t5TensorSpecs, t5ParamCount } from "./t5/t5-weights.js";
export type { LoadedT5 } from "./checkpoint/load-t5-pretrained.js";
export { loadT5Pretrained, readT5Config } from "./checkpoint/load-t5-pretrained.js";
export { checkpointModelType } from "./checkpoint/checkpoint-files.js";
