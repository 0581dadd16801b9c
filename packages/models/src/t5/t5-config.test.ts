import { describe, expect, it } from "vitest";
import { readT5Config } from "../checkpoint/load-t5-pretrained.js";
import { T5_LARGE_CONFIG_DIR, T5_SMALL_CONFIG_DIR } from "../testing/index.js";
import { parseT5Config } from "./t5-config.js";
import { t5Sites } from "./t5-model.js";
import { t5ParamCount } from "./t5-weights.js";

describe("T5 configs", () => {
  it("t5-small and t5-large: the parameter counts transformers reports (shared embeddings counted once)", () => {
    // T5ForConditionalGeneration.num_parameters(): t5-small 60,506,624; t5-large 737,668,096 (~737.7M)
    expect(t5ParamCount(readT5Config(T5_SMALL_CONFIG_DIR))).toBe(60_506_624);
    expect(t5ParamCount(readT5Config(T5_LARGE_CONFIG_DIR))).toBe(737_668_096);
  });

  it("published configs take HF's defaults: decoder layers = encoder layers, relu, tied, max distance 128", () => {
    const config = readT5Config(T5_LARGE_CONFIG_DIR);
    expect(config).toMatchObject({ numLayers: 24, numDecoderLayers: 24, feedForwardProj: "relu", tieWordEmbeddings: true, relativeAttentionMaxDistance: 128, layerNormEps: 1e-6 });
    // per encoder block 7 attention + 5 feed-forward sites, per decoder block 18; embeddings and two final norms
    expect(t5Sites(config)).toHaveLength(1 + 24 * 12 + 1 + 24 * 18 + 1);
  });

  it("v1.1 spelling and bad values", () => {
    const base = { model_type: "t5", vocab_size: 100, d_model: 8, d_kv: 2, d_ff: 16, num_layers: 1, num_heads: 4 };
    expect(parseT5Config({ ...base, feed_forward_proj: "gated-gelu", tie_word_embeddings: false }, "c.json")).toMatchObject({ feedForwardProj: "gated-gelu", tieWordEmbeddings: false });
    expect(() => parseT5Config({ ...base, feed_forward_proj: "gated-silu" }, "c.json")).toThrow("c.json: feed_forward_proj 'gated-silu' is not supported; use one of relu, gated-gelu");
    expect(() => parseT5Config({ ...base, d_kv: undefined }, "c.json")).toThrow("c.json: missing d_kv;");
    expect(() => parseT5Config({ ...base, model_type: "bert" }, "c.json")).toThrow("c.json: model_type 'bert' is not t5");
  });
});
