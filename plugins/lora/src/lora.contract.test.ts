import * as tf from "@tensorflow/tfjs";
import type { LinearSite } from "@s3pet/core";
import { GatedSiteCalls, resolveOptions } from "@s3pet/core";
import { describePetMethod, perturbWeights, syntheticLinearSite, syntheticSites, syntheticWideLinearSite } from "@s3pet/core/testing";
import { tinyBertBackbones } from "@s3pet/models/testing";
import { describe, expect, it } from "vitest";
import { lora, mergeLora, unmergeLora } from "./lora.js";

// The tiny BERTs (learned absolute and relative_key positions) that @s3pet/models tests against transformers.
const tinyBerts = tinyBertBackbones();

describePetMethod(lora, {
  sites: syntheticSites,
  options: [{ rank: 2, alpha: 4, dropout: 0.1 }],
  backbone: tinyBerts,
});

describe("lora", () => {
  const linear = (dIn: number, dOut: number): LinearSite => ({ ...syntheticLinearSite, dIn, dOut });
  const options = (given: Record<string, unknown> = {}) => resolveOptions("lora", lora.options, given);

  it("has the exact parameter counts r (dIn + dOut)", () => {
    expect(lora.paramCount(linear(256, 256), options({ rank: 8 }))).toBe(4096);
    expect(lora.paramCount(linear(256, 1024), options({ rank: 4 }))).toBe(5120);
    expect(lora.paramCount(linear(768, 768), options())).toBe(12288);
    expect(lora.paramCount(linear(8, 12), options({ rank: 2 }))).toBe(40);
  });

  it("initialises A kaiming-uniform (seeded, |A| <= 1/sqrt(dIn)) and B to zeros", () => {
    const site = linear(64, 16);
    const [a, b, c] = [1, 1, 2].map((seed) => lora.create(site, options(), { seed }));
    const A = a!.weights.lora_A!.dataSync();
    expect(a!.weights.lora_A!.shape).toEqual([64, 8]);
    expect(Array.from(b!.weights.lora_A!.dataSync())).toEqual(Array.from(A));
    expect(Array.from(c!.weights.lora_A!.dataSync())).not.toEqual(Array.from(A));
    expect(Math.max(...Array.from(A, Math.abs))).toBeLessThanOrEqual(1 / 8);
    expect(Array.from(a!.weights.lora_B!.dataSync()).every((v) => v === 0)).toBe(true);
    [a, b, c].forEach((m) => m!.dispose());
  });

  it("merged kernel gives the same outputs as the unmerged module, and unmerge restores the kernel", () => {
    const site = syntheticWideLinearSite; // 8 -> 12
    const o = options({ rank: 2, alpha: 6 });
    const module = lora.create(site, o, { seed: 3 });
    perturbWeights(module, 3);
    const x = tf.randomNormal([5, site.dIn], 0, 1, "float32", 1) as tf.Tensor2D;
    const W = tf.randomNormal([site.dIn, site.dOut], 0, 0.3, "float32", 2) as tf.Tensor2D;
    const bias = tf.randomNormal([site.dOut], 0, 1, "float32", 3);
    for (const z of [1, 0.4]) {
      const gate = tf.scalar(z);
      const merged = mergeLora(module, o, W, z);
      const [unmergedOut, mergedOut] = tf.tidy(() => [
        new GatedSiteCalls([{ site, module, gate }]).linear(site, x, tf.add(tf.matMul(x, W), bias) as tf.Tensor2D).dataSync(),
        tf.add(tf.matMul(x, merged), bias).dataSync(),
      ]);
      mergedOut!.forEach((v, i) => expect(v).toBeCloseTo(unmergedOut![i]!, 5));
      expect(Array.from(mergedOut!)).not.toEqual(Array.from(tf.tidy(() => tf.add(tf.matMul(x, W), bias).dataSync())));
      const restored = unmergeLora(module, o, merged, z);
      restored.dataSync().forEach((v, i) => expect(v).toBeCloseTo(W.dataSync()[i]!, 6));
      tf.dispose([gate, merged, restored]);
    }
    expect(() => mergeLora(module, o, tf.zeros([12, 8]) as tf.Tensor2D)).toThrow("lora: cannot merge an update [8,12] into a kernel [12,8]");
    tf.dispose([x, W, bias]);
    module.dispose();
  });

  it("applies dropout to the update's input only while training", () => {
    const site = syntheticLinearSite;
    const module = lora.create(site, options({ dropout: 0.5 }), { seed: 4 });
    perturbWeights(module, 4);
    const x = tf.ones([4, site.dIn]) as tf.Tensor2D;
    const delta = () => tf.tidy(() => (module.contribution.kind === "linear" ? module.contribution.delta(x, x) : x).dataSync());
    expect(Array.from(delta())).toEqual(Array.from(delta())); // evaluation (the default): deterministic
    const at = (step: number, pass: number, examples = [0, 1, 2, 3]) => ({ step, pass, examples });
    module.setTraining!(true, at(7, 0));
    const first = delta();
    module.setTraining!(true, at(7, 1));
    expect(Array.from(delta())).not.toEqual(Array.from(first)); // a new mask per forward
    module.setTraining!(true, at(8, 0));
    const next = delta();
    expect(Array.from(next)).not.toEqual(Array.from(first)); // and per step
    // A resumed run (a fresh module, same seed and weights) re-entering step 7 draws the same masks.
    const resumed = lora.create(site, options({ dropout: 0.5 }), { seed: 4 });
    resumed.load(module.weights);
    resumed.setTraining!(true, at(7, 0));
    const deltaOf = (m: typeof module, rows: tf.Tensor2D) => tf.tidy(() => (m.contribution.kind === "linear" ? m.contribution.delta(rows, rows) : rows).dataSync());
    expect(Array.from(deltaOf(resumed, x))).toEqual(Array.from(first));
    // Two shards of the batch (examples 0-1 and 2-3) draw the rows the whole batch did.
    const half = tf.ones([2, site.dIn]) as tf.Tensor2D;
    resumed.setTraining!(true, at(7, 0, [0, 1]));
    const a = deltaOf(resumed, half);
    resumed.setTraining!(true, at(7, 0, [2, 3]));
    const b = deltaOf(resumed, half);
    expect([...Array.from(a), ...Array.from(b)]).toEqual(Array.from(first));
    half.dispose();
    module.setTraining!(false);
    x.dispose();
    module.dispose();
    resumed.dispose();
  });

  it("offers the r=8 query/value preset", () => {
    expect(lora.presets).toEqual([expect.objectContaining({ name: "lora", include: ["attention.self.query", "attention.self.value", "SelfAttention.q", "SelfAttention.v", "EncDecAttention.q", "EncDecAttention.v"], options: { rank: 8 } })]);
  });
});
