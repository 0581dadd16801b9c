import { describe, expect, it } from "vitest";
import { bertConfigToJson, defineBertConfig, parseBertConfig } from "./bert-config.js";

/** The architecture fields every config.json must state. */
const ARCH = { vocab_size: 99, hidden_size: 64, num_hidden_layers: 2, num_attention_heads: 4, intermediate_size: 128 };

describe("BertConfig", () => {
  it("reads an HF config.json, with HF defaults for absent fields and RoBERTa's pad id 1", () => {
    const bert = parseBertConfig({ ...ARCH, model_type: "bert", hidden_act: "gelu_new", torch_dtype: "float32" }, "c.json");
    expect(bert).toMatchObject({ modelType: "bert", hiddenSize: 64, numHeads: 4, hiddenAct: "gelu_new", numLayers: 2, maxPositions: 512, padTokenId: 0, layerNormEps: 1e-12 });
    expect(bert.extra).toEqual({ torch_dtype: "float32" });
    expect(parseBertConfig({ ...ARCH, model_type: "roberta", layer_norm_eps: 1e-5, type_vocab_size: 1 }, "c.json")).toMatchObject({ padTokenId: 1, layerNormEps: 1e-5, typeVocabSize: 1 });
  });

  it("reads the relative position types and writes them back", () => {
    for (const type of ["relative_key", "relative_key_query"] as const) {
      const config = parseBertConfig({ ...ARCH, position_embedding_type: type }, "c.json");
      expect(config.positionEmbeddingType).toBe(type);
      expect(bertConfigToJson(config).position_embedding_type).toBe(type);
    }
    expect(parseBertConfig(ARCH, "c.json").positionEmbeddingType).toBe("absolute");
  });

  it("writes back the same fields it read", () => {
    const json = { architectures: ["BertModel"], model_type: "bert", vocab_size: 99, hidden_size: 16, num_hidden_layers: 1, num_attention_heads: 2, intermediate_size: 20, hidden_act: "gelu", hidden_dropout_prob: 0.1, attention_probs_dropout_prob: 0.1, max_position_embeddings: 32, type_vocab_size: 2, initializer_range: 0.02, layer_norm_eps: 1e-12, pad_token_id: 0, position_embedding_type: "absolute", torch_dtype: "float32" };
    expect(bertConfigToJson(parseBertConfig(json, "c.json"))).toEqual(json);
  });

  it("rejects what the encoder cannot run, naming the file, the field and the fix", () => {
    expect(() => parseBertConfig([], "a/config.json")).toThrow("a/config.json: expected a JSON object (a Hugging Face config.json)");
    expect(() => parseBertConfig({ ...ARCH, model_type: "t5" }, "c.json")).toThrow("c.json: model_type 't5' is not supported; use a bert or roberta checkpoint");
    expect(() => parseBertConfig({ ...ARCH, position_embedding_type: "rotary" }, "c.json")).toThrow("c.json: position_embedding_type 'rotary' is not supported; use one of absolute, relative_key, relative_key_query");
    expect(() => parseBertConfig({ ...ARCH, hidden_size: 30, num_attention_heads: 4 }, "c.json")).toThrow("c.json: hidden_size 30 must be divisible by num_attention_heads 4");
    expect(() => parseBertConfig({ ...ARCH, hidden_act: "swish" }, "c.json")).toThrow(/hidden_act 'swish' is not supported; use one of gelu, gelu_new/);
    expect(() => parseBertConfig({ ...ARCH, num_hidden_layers: 0 }, "c.json")).toThrow("c.json: num_hidden_layers must be a positive integer, got 0");
    expect(() => parseBertConfig({ ...ARCH, num_hidden_layers: 1e9 }, "c.json")).toThrow("c.json: num_hidden_layers 1000000000 is out of range (at most 256); check that config.json belongs to the weights");
    expect(() => parseBertConfig({ ...ARCH, hidden_size: undefined, num_attention_heads: null }, "c.json")).toThrow(/^c\.json: missing hidden_size, num_attention_heads; a Hugging Face config\.json states the architecture/);
    expect(() => parseBertConfig({ ...ARCH, hidden_act: "x".repeat(1e6) }, "c.json")).toThrow(/^c\.json: hidden_act 'x{39}…' is not supported/);
    expect(() => defineBertConfig({ vocabSize: 10, padTokenId: 10 })).toThrow("BertConfig: pad_token_id must be an id in [0, vocab_size), got 10");
    expect(() => defineBertConfig({ hiddenDropoutProb: 1 })).toThrow(/hidden_dropout_prob out of range, got 1/);
  });
});
