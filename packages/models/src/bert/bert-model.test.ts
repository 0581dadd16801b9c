import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { GatedSiteCalls } from "@s3pet/core";
import type { ActivationSite, AttachedModule, AttentionSite, EmbeddingSite, EncodedBatch, GatedPrefix, LinearSite, NormSite, PetModule, ResidualSite, Site, SiteCalls, SiteContribution } from "@s3pet/core";
import { defineBertConfig, POSITION_EMBEDDING_TYPES, type BertConfig } from "./bert-config.js";
import { initRandomBertModel } from "./init-random-bert.js";

const tiny: BertConfig = defineBertConfig({
  vocabSize: 40,
  hiddenSize: 16,
  numLayers: 2,
  numHeads: 4,
  intermediateSize: 24,
  maxPositions: 20,
});

/** Rows of ids padded with `pad` to `length`; token types 0 for the first half of each row, 1 after. */
function encode(rows: number[][], length: number, pad = 0): EncodedBatch {
  const B = rows.length;
  const inputIds = new Int32Array(B * length).fill(pad);
  const tokenTypeIds = new Int32Array(B * length);
  const attentionMask = new Int32Array(B * length);
  rows.forEach((row, b) =>
    row.forEach((id, t) => {
      inputIds[b * length + t] = id;
      tokenTypeIds[b * length + t] = t >= row.length / 2 ? 1 : 0;
      attentionMask[b * length + t] = 1;
    }),
  );
  return { batch: B, length, inputIds, tokenTypeIds, attentionMask };
}

const rows = [
  [2, 5, 9, 11, 3],
  [2, 7, 8, 3],
];

/** SiteCalls that records the sites it sees and returns its inputs unchanged. */
function recordingCalls(visited: string[], prefixes: (site: AttentionSite) => readonly GatedPrefix[] = () => []): SiteCalls {
  return {
    linear: (site: LinearSite, _x, y) => (visited.push(site.name), y),
    residual: (site: ResidualSite, h) => (visited.push(site.name), h),
    norm: (site: NormSite, _xhat, y) => (visited.push(site.name), y),
    embedding: (site: EmbeddingSite, e) => (visited.push(site.name), e),
    activation: (site: ActivationSite, u) => (visited.push(site.name), u),
    attentionPrefixes: (site) => (visited.push(site.name), prefixes(site)),
  };
}

function outputsData(model: ReturnType<typeof initRandomBertModel>, batch: EncodedBatch, calls?: SiteCalls) {
  return tf.tidy(() => {
    const out = model.forward(batch, calls);
    return {
      last: out.lastHiddenState.dataSync().slice(),
      pooled: out.pooledOutput.dataSync().slice(),
      hidden: out.hiddenStates.map((h) => h.dataSync().slice()),
    };
  });
}

describe("BertModel", () => {
  it("lists every site in forward order with HF names, kinds and dims", () => {
    const model = initRandomBertModel(tiny, { seed: 1, trainable: false });
    const sites = model.sites();
    expect(sites).toHaveLength(2 + 12 * tiny.numLayers);
    expect(sites[0]).toEqual({ kind: "norm", name: "embeddings.LayerNorm", layer: null, position: "embeddings.LayerNorm", dim: 16 });
    expect(sites[1]).toEqual({ kind: "embedding", name: "embeddings", layer: null, position: "embeddings", dim: 16, vocabSize: 40 });
    expect(sites.slice(2, 14).map((s) => `${s.position}:${s.kind}`)).toEqual([
      "attention.self.query:linear",
      "attention.self.key:linear",
      "attention.self.value:linear",
      "attention:attention",
      "attention.output.dense:linear",
      "attention.output:residual",
      "attention.output.LayerNorm:norm",
      "intermediate.dense:linear",
      "intermediate.intermediate_act_fn:activation",
      "output.dense:linear",
      "output:residual",
      "output.LayerNorm:norm",
    ]);
    expect(sites.find((s) => s.name === "encoder.layer.1.intermediate.dense")).toMatchObject({ layer: 1, dIn: 16, dOut: 24 });
    expect(sites.find((s) => s.name === "encoder.layer.1.output.dense")).toMatchObject({ dIn: 24, dOut: 16 });
    expect(sites.find((s) => s.name === "encoder.layer.0.attention")).toMatchObject({ hidden: 16, heads: 4, headDim: 4 });
    expect(new Set(sites.map((s) => s.name)).size).toBe(sites.length);
    model.dispose();
  });

  it("counts every weight, embeddings and pooler included", () => {
    const model = initRandomBertModel(tiny, { seed: 1, trainable: false });
    const H = 16, I = 24, V = 40, P = 20, L = 2;
    const embeddings = (V + P + 2) * H + 2 * H;
    const layer = 4 * (H * H + H) + 2 * 2 * H + (H * I + I) + (I * H + H);
    expect(model.paramCount()).toBe(embeddings + L * layer + (H * H + H));
    model.dispose();
  });

  it("calls every site once per forward, and identity calls reproduce the plain forward exactly", () => {
    const model = initRandomBertModel(tiny, { seed: 2, trainable: false });
    const batch = encode(rows, 6);
    const visited: string[] = [];
    const plain = outputsData(model, batch);
    const viaCalls = outputsData(model, batch, recordingCalls(visited));
    expect(visited).toEqual(model.sites().map((s) => s.name));
    expect(viaCalls).toEqual(plain);
    expect(plain.hidden).toHaveLength(tiny.numLayers + 1);
    model.dispose();
  });

  it.each(POSITION_EMBEDDING_TYPES)("with core's GatedSiteCalls: modules at every site with gate 0 are an exact no-op, gate 1 is not (%s positions)", (positionEmbeddingType) => {
    const model = initRandomBertModel(defineBertConfig({ ...tiny, positionEmbeddingType }), { seed: 2, trainable: false });
    const batch = encode(rows, 6);
    const plain = outputsData(model, batch);
    const constant = (shape: number[], seed: number) => tf.randomNormal(shape, 0, 1, "float32", seed);
    // A fixed delta per site kind: enough to see that every site's result is used.
    const contributionAt = (site: Site, seed: number): SiteContribution => {
      switch (site.kind) {
        case "linear":
          return { kind: "linear", delta: () => constant([site.dOut], seed) };
        case "residual":
          return { kind: "residual", delta: () => constant([site.dim], seed) };
        case "norm":
          return { kind: "norm", delta: () => constant([site.dim], seed) };
        case "embedding":
          return { kind: "embedding", delta: () => constant([site.dim], seed) };
        case "activation":
          return { kind: "activation", delta: () => constant([site.dim], seed) };
        case "attention":
          return { kind: "attention", prefix: () => ({ keys: constant([2, site.hidden], seed) as tf.Tensor2D, values: constant([2, site.hidden], seed + 1) as tf.Tensor2D }) };
      }
    };
    const attachAll = (gate: tf.Scalar): AttachedModule[] =>
      model.sites().map((site, i) => {
        const module: PetModule = { weights: {}, contribution: contributionAt(site, i), load: () => {}, dispose: () => {} };
        return { site, module, gate };
      });
    const zero = tf.scalar(0);
    const one = tf.scalar(1);
    expect(outputsData(model, batch, new GatedSiteCalls(attachAll(zero)))).toEqual(plain);
    const on = outputsData(model, batch, new GatedSiteCalls(attachAll(one)));
    expect(on.hidden[0]).not.toEqual(plain.hidden[0]);
    expect(on.last).not.toEqual(plain.last);
    tf.dispose([zero, one]);
    model.dispose();
  });

  it("uses the changes a SiteCalls makes", () => {
    const model = initRandomBertModel(tiny, { seed: 2, trainable: false });
    const batch = encode(rows, 6);
    const plain = outputsData(model, batch);
    const calls: SiteCalls = {
      ...recordingCalls([]),
      residual: (site, h) => (site.name === "encoder.layer.1.output" ? (tf.add(h, 1) as tf.Tensor2D) : h),
    };
    const changed = outputsData(model, batch, calls);
    expect(changed.hidden[1]).toEqual(plain.hidden[1]); // layer 0 untouched
    expect(changed.last).not.toEqual(plain.last);
    model.dispose();
  });

  it("continues from hiddenAt(batch, k) exactly as the full forward, calling only the sites from layer k on", () => {
    const model = initRandomBertModel(tiny, { seed: 2, trainable: false });
    const batch = encode(rows, 6);
    const calls = (visited: string[]): SiteCalls => ({
      ...recordingCalls(visited),
      residual: (site, h) => (visited.push(site.name), site.layer === 1 ? (tf.add(h, 0.5) as tf.Tensor2D) : h),
    });
    const full = outputsData(model, batch, calls([]));
    const visited: string[] = [];
    const resumed = tf.tidy(() => {
      const out = model.forward(batch, calls(visited), { from: { layer: 1, hidden: model.hiddenAt(batch, 1) } });
      return { last: out.lastHiddenState.dataSync().slice(), pooled: out.pooledOutput.dataSync().slice(), layers: out.hiddenStates.length };
    });
    expect(resumed.last).toEqual(full.last);
    expect(resumed.pooled).toEqual(full.pooled);
    expect(resumed.layers).toBe(2); // the given state and layer 1
    expect(visited.length).toBeGreaterThan(0);
    expect(visited.every((name) => name.startsWith("encoder.layer.1."))).toBe(true);
    expect(tf.tidy(() => Array.from(model.hiddenAt(batch, 0).dataSync()))).toEqual(Array.from(full.hidden[0]!));
    expect(() => tf.tidy(() => model.hiddenAt(batch, 3))).toThrow("layers must be an integer in [0, 2], got 3");
    model.dispose();
  });

  it.each(POSITION_EMBEDDING_TYPES)("gives unmasked positions the same output however much padding follows (bert and roberta, %s positions)", (positionEmbeddingType) => {
    for (const modelType of ["bert", "roberta"] as const) {
      const config = defineBertConfig({ ...tiny, modelType, padTokenId: 1, positionEmbeddingType, extra: {} });
      const model = initRandomBertModel(config, { seed: 3, trainable: false });
      const short = outputsData(model, encode(rows, 5, 1));
      const long = outputsData(model, encode(rows, 9, 1));
      const H = 16;
      for (const [b, row] of rows.entries()) {
        const a = short.last.slice(b * 5 * H, (b * 5 + row.length) * H);
        const c = long.last.slice(b * 9 * H, (b * 9 + row.length) * H);
        for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - c[i]!)).toBeLessThan(1e-5);
      }
      model.dispose();
    }
  });

  it("rejects batches the model cannot run, naming the fix", () => {
    const model = initRandomBertModel(tiny, { seed: 1, trainable: false });
    expect(() => model.forward(encode([[2, 99]], 2))).toThrow(/input id 99 is outside the vocabulary \[0, 40\)/);
    expect(() => model.forward(encode([[2]], 21))).toThrow(/length 21 exceeds the model's 20 positions; truncate to 20/);
    const bad = { ...encode([[2, 3]], 2), attentionMask: new Int32Array(3) };
    expect(() => model.forward(bad)).toThrow(/attentionMask has 3 entries, expected batch\*length = 2/);
    model.dispose();
  });

  it("is reproducible from its seed and different across seeds", () => {
    const batch = encode(rows, 5);
    const [a, b, c] = [7, 7, 8].map((seed) => {
      const model = initRandomBertModel(tiny, { seed, trainable: false });
      const out = outputsData(model, batch).last;
      model.dispose();
      return out;
    });
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it("zeroes the padding row of the word embeddings at init, like nn.Embedding(padding_idx)", () => {
    const model = initRandomBertModel(tiny, { seed: 1, trainable: false });
    const row0 = tf.tidy(() => tf.slice(model.wordEmbeddings, [0, 0], [1, 16]).dataSync());
    expect([...row0]).toEqual(new Array(16).fill(0));
    model.dispose();
  });

  it("trainable: gradients reach every variable; dropout is seeded and off by default", () => {
    const model = initRandomBertModel(tiny, { seed: 4 });
    expect(model.trainableWeights()).toHaveLength(model.namedWeights().length);
    const batch = encode(rows, 5);
    const { grads } = tf.variableGrads(() => tf.sum(tf.square(model.forward(batch).pooledOutput)) as tf.Scalar);
    for (const v of model.trainableWeights()) expect(grads[v.name], v.name).toBeDefined();
    // only the pooler's and the [CLS]-reachable gradients are nonzero; check a deep one is not all zero
    const wordGrad = grads[model.trainableWeights()[0]!.name]!;
    expect(tf.tidy(() => tf.sum(tf.abs(wordGrad)).dataSync()[0])).toBeGreaterThan(0);
    tf.dispose(grads);

    const dropped = (seed: number) => tf.tidy(() => model.forward(batch, undefined, { dropoutSeed: seed }).lastHiddenState.dataSync().slice());
    expect(dropped(1)).toEqual(dropped(1));
    expect(dropped(1)).not.toEqual(dropped(2));
    expect(dropped(1)).not.toEqual(outputsData(model, batch).last);
    model.dispose();
  });

  it("frozen: no variables, and dispose frees every tensor it owns", () => {
    const before = tf.memory().numTensors;
    const model = initRandomBertModel(tiny, { seed: 1, trainable: false });
    expect(model.trainableWeights()).toEqual([]);
    outputsData(model, encode(rows, 5));
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
    const trainable = initRandomBertModel(tiny, { seed: 1 });
    trainable.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
