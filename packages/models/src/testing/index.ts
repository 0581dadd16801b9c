// @s3pet/models/testing: fixtures that other packages' tests share, so none reaches into this package
// by a relative path, and a plugin outside this repository can use in its own contract tests. The files
// are in test-fixtures/ (published with the package): paths to them, their reference outputs, and the
// tiny BERTs as backbone fixtures for the contract suite.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { EncodedBatch } from "@s3pet/core";
// Types only: @s3pet/core/testing imports vitest, and this entry also serves plain scripts (paths to fixtures).
import type { BackboneFixture } from "@s3pet/core/testing";
import { loadPretrained } from "../checkpoint/load-pretrained.js";

/** A tiny BERT checkpoint in Hugging Face layout (config.json, vocab.txt, model.safetensors). */
export const TINY_BERT_DIR = fileURLToPath(new URL("../../test-fixtures/tiny-bert-hf", import.meta.url));
/** A tiny BERT with `position_embedding_type: relative_key` (vocabulary 50, 12 positions; config.json, model.safetensors, reference.json). */
export const TINY_BERT_RELATIVE_KEY_DIR = fileURLToPath(new URL("../../test-fixtures/tiny-bert-relative-key-hf", import.meta.url));

/**
 * The tiny BERTs as backbones for describePetMethod (@s3pet/core/testing): learned absolute positions
 * and relative_key positions (attention with a per-distance score term), each with the first two
 * encodings of its reference.json as the batch (padded to the longer one).
 */
export function tinyBertBackbones(): BackboneFixture[] {
  return [
    { name: "tiny BERT", load: () => loadPretrained(TINY_BERT_DIR).model, batch: referenceBatch(TINY_BERT_DIR, 2) },
    { name: "tiny BERT, relative_key positions", load: () => loadPretrained(TINY_BERT_RELATIVE_KEY_DIR).model, batch: referenceBatch(TINY_BERT_RELATIVE_KEY_DIR, 2) },
  ];
}

/** The first `rows` encodings of a fixture's reference.json, as one batch padded to the longest of them. */
function referenceBatch(dir: string, rows: number): EncodedBatch {
  const ref = JSON.parse(readFileSync(join(dir, "reference.json"), "utf8")) as Pick<TokenizerReference, "input_ids" | "token_type_ids" | "attention_mask">;
  const mask = ref.attention_mask.slice(0, rows);
  const length = Math.max(...mask.map((m) => m.lastIndexOf(1) + 1)); // the reference pads further than these rows need
  const take = (x: number[][]) => Int32Array.from(x.slice(0, rows).flatMap((row) => row.slice(0, length)));
  return { batch: rows, length, inputIds: take(ref.input_ids), tokenTypeIds: take(ref.token_type_ids), attentionMask: take(mask) };
}

/** The tiny BERT's tokenizer reference (transformers' BertTokenizerFast on its vocab.txt): texts and their encodings. */
export interface TokenizerReference {
  readonly texts: [string, string | null][];
  readonly tokens: string[][];
  readonly input_ids: number[][];
  readonly token_type_ids: number[][];
  readonly attention_mask: number[][];
}

export function readTokenizerReference(): TokenizerReference {
  return JSON.parse(readFileSync(join(TINY_BERT_DIR, "reference.json"), "utf8")) as TokenizerReference;
}

/** Tiny random T5 1.0 (relu, tied LM head) in Hugging Face layout, with tokenizer.json and reference.json. */
export const TINY_T5_DIR = fileURLToPath(new URL("../../test-fixtures/tiny-t5-hf", import.meta.url));
/** Tiny random T5 v1.1 (gated-gelu, untied LM head, heads * d_kv != d_model), same layout. */
export const TINY_T5_V1_1_DIR = fileURLToPath(new URL("../../test-fixtures/tiny-t5-v1_1-hf", import.meta.url));

/** config.json of t5-small and t5-large as published (no weights): for `inspect` and parameter counts. */
export const T5_SMALL_CONFIG_DIR = fileURLToPath(new URL("../../test-fixtures/t5-small-config", import.meta.url));
export const T5_LARGE_CONFIG_DIR = fileURLToPath(new URL("../../test-fixtures/t5-large-config", import.meta.url));

/** A tiny T5's reference outputs (tools/fixtures/t5_reference.py, torch in float64). */
export interface T5Reference {
  readonly texts: string[];
  readonly tokens: string[][];
  /** [B, T], padded with 0 */
  readonly input_ids: number[][];
  readonly attention_mask: number[][];
  /** [B, T, d_model] */
  readonly encoder_last_hidden_state: number[][][];
  /** [B, Td], starting with the decoder start token */
  readonly decoder_input_ids: number[][];
  /** [B, Td, vocab] */
  readonly decoder_logits: number[][][];
  /** Buckets of relative positions with 32 buckets and max distance 128 (the T5 1.0 fixture only). */
  readonly relative_buckets_32_128?: { relative: number[]; bidirectional: number[]; causal: number[] };
}

export function readT5Reference(dir: string): T5Reference {
  return JSON.parse(readFileSync(join(dir, "reference.json"), "utf8")) as T5Reference;
}
