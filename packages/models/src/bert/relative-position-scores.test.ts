import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { loadPretrained } from "../checkpoint/load-pretrained.js";
import { defineBertConfig } from "./bert-config.js";
import { initRandomBertModel } from "./init-random-bert.js";

// Fixtures from tools/fixtures/bert_relative_reference.py: torch in float64 with modeling_bert.py's
// relative position semantics (a [T, T, dh] gather and einsum), on the float32 weights stored.
interface Reference {
  readonly input_ids: number[][];
  readonly token_type_ids: number[][];
  readonly attention_mask: number[][];
  readonly last_hidden_state: number[][][];
  readonly pooler_output: number[][];
}

const fixture = (name: string) => fileURLToPath(new URL(`../../test-fixtures/${name}`, import.meta.url));

describe("relative position types (HF relative_key, relative_key_query)", () => {
  for (const type of ["relative_key", "relative_key_query"] as const) {
    it(`${type}: matches the torch reference on a padded batch, pooler included`, () => {
      const dir = fixture(`tiny-bert-${type.replaceAll("_", "-")}-hf`);
      const ref = JSON.parse(readFileSync(join(dir, "reference.json"), "utf8")) as Reference;
      const { model, config } = loadPretrained(dir);
      expect(config.positionEmbeddingType).toBe(type);
      expect(model.description).toBe(`bert 2x16 (4 heads, ffn 24, vocab 50, ${type} positions)`);
      const [B, T] = [ref.input_ids.length, ref.input_ids[0]!.length];
      const batch = {
        batch: B,
        length: T,
        inputIds: Int32Array.from(ref.input_ids.flat()),
        tokenTypeIds: Int32Array.from(ref.token_type_ids.flat()),
        attentionMask: Int32Array.from(ref.attention_mask.flat()),
      };
      const [last, pooled] = tf.tidy(() => {
        const out = model.forward(batch);
        return [out.lastHiddenState.arraySync(), out.pooledOutput.arraySync()];
      });
      let worst = 0;
      ref.attention_mask.forEach((row, b) =>
        row.forEach((m, t) => {
          if (!m) return; // padded positions are not compared (HF fills them with whatever the mask leaves)
          ref.last_hidden_state[b]![t]!.forEach((x, j) => (worst = Math.max(worst, Math.abs(x - last[b]![t]![j]!))));
        }),
      );
      expect(worst).toBeLessThan(2e-4);
      ref.pooler_output.forEach((row, b) => row.forEach((x, j) => expect(pooled[b]![j]!).toBeCloseTo(x, 4)));
      model.dispose();
    });
  }

  it("the relative term is what moves the output: zeroing the distance tables changes it, and gradients reach them", () => {
    const config = defineBertConfig({ vocabSize: 30, hiddenSize: 16, numLayers: 2, numHeads: 4, intermediateSize: 24, maxPositions: 10, positionEmbeddingType: "relative_key_query" });
    const model = initRandomBertModel(config, { seed: 3, pooler: false });
    const tables = model.namedWeights().filter((e) => e.spec.name.endsWith("distance_embedding.weight"));
    expect(tables.map((e) => [e.spec.name, e.spec.shape])).toEqual([
      ["encoder.layer.0.attention.self.distance_embedding.weight", [19, 4]],
      ["encoder.layer.1.attention.self.distance_embedding.weight", [19, 4]],
    ]);
    const batch = { batch: 1, length: 6, inputIds: Int32Array.from([2, 5, 7, 9, 11, 3]), tokenTypeIds: new Int32Array(6), attentionMask: new Int32Array(6).fill(1) };
    const grads = tf.variableGrads(() => tf.sum(tf.square(model.forward(batch).lastHiddenState)) as tf.Scalar, [...model.trainableWeights()]);
    for (const { tensor } of tables) {
      const g = grads.grads[(tensor as tf.Variable).name]!;
      expect(tf.sum(tf.abs(g)).dataSync()[0]).toBeGreaterThan(0);
    }
    tf.dispose(grads.grads);
    grads.value.dispose();
    const before = tf.tidy(() => model.forward(batch).lastHiddenState.arraySync());
    for (const { tensor } of tables) (tensor as tf.Variable).assign(tf.zerosLike(tensor));
    const after = tf.tidy(() => model.forward(batch).lastHiddenState.arraySync());
    expect(after).not.toEqual(before);
    model.dispose();
  });
});
