// Runs the contract suite on two small methods written here against the contract alone: a learned
// shift at every additive site kind, and learned key/value prefixes at attention sites.
import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { assignWeights } from "../plugin/assign-weights.js";
import { boolOption, enumOption, intOption, numberOption } from "../plugin/options-schema.js";
import { definePetMethod } from "../plugin/pet-method.js";
import { siteDims } from "../plugin/site.js";
import { normalVariable, zerosVariable } from "../plugin/variable-init.js";
import { GatedSiteCalls } from "../plugin/gated-site-calls.js";
import { describePetMethod } from "./describe-pet-method.js";
import { syntheticAttentionSite, syntheticForward, syntheticSites } from "./synthetic-sites.js";

const width = (dims: Record<string, number>) => dims.dOut ?? dims.dim!;

const shift = definePetMethod({
  name: "toy-shift",
  description: "y + z * s * b with b a learned vector (zeros at init)",
  siteKinds: ["linear", "residual", "norm", "embedding"],
  lr: 1e-2,
  options: {
    scale: numberOption({ default: 1, doc: "multiplies the shift", min: 0 }),
    mode: enumOption({ default: "vector", doc: "vector or row", values: ["vector", "row"] as const }),
    enabled: boolOption({ default: true, doc: "unused" }),
  },
  paramCount: (site) => width(siteDims(site)),
  create(site, o, _init) {
    const weights = { shift: zerosVariable(`${site.name}/shift`, [width(siteDims(site))]) };
    const delta = () => tf.mul(weights.shift, o.scale);
    return {
      weights,
      contribution:
        site.kind === "linear" ? { kind: "linear", delta } :
        site.kind === "norm" ? { kind: "norm", delta } :
        site.kind === "residual" ? { kind: "residual", delta } : { kind: "embedding", delta },
      load: (saved) => assignWeights(`toy-shift@${site.name}`, weights, saved),
      dispose: () => tf.dispose(Object.values(weights)),
    };
  },
});

const kv = definePetMethod({
  name: "toy-kv",
  description: "learned key/value prefixes",
  siteKinds: ["attention"],
  options: { length: intOption({ default: 2, doc: "prefix length" }) },
  lr: 1e-2,
  paramCount: (site, o) => 2 * o.length * site.hidden,
  create(site, o, init) {
    const weights = {
      keys: normalVariable(`${site.name}/keys`, [o.length, site.hidden], 1, init.seed),
      values: normalVariable(`${site.name}/values`, [o.length, site.hidden], 1, init.seed + 1),
    };
    return {
      weights,
      contribution: { kind: "attention", prefix: () => ({ keys: weights.keys as tf.Tensor2D, values: weights.values as tf.Tensor2D }) },
      load: (saved) => assignWeights(`toy-kv@${site.name}`, weights, saved),
      dispose: () => tf.dispose(Object.values(weights)),
    };
  },
});

describePetMethod(shift, { sites: syntheticSites, options: [{ scale: 2.5, mode: "row" }] });
describePetMethod(kv, { sites: syntheticSites, options: [{ length: 1 }], freshModuleChangesOutput: "random prefixes take attention mass" });

describe("syntheticForward", () => {
  it("is seeded and its attention at gate 1 equals softmax over the concatenated keys", () => {
    const a = tf.tidy(() => syntheticForward(syntheticAttentionSite).dataSync().slice());
    const b = tf.tidy(() => syntheticForward(syntheticAttentionSite).dataSync().slice());
    expect(Array.from(a)).toEqual(Array.from(b));
    // With one prefix of all-zero keys and values at gate 1, each query gives weight exp(0 - m) to each
    // prefix slot: the output shrinks by sum_seq / (sum_seq + L * exp(-m)) but keeps its direction.
    const module = kv.create(syntheticAttentionSite, { length: 1 }, { seed: 1 });
    const zeros = { keys: tf.zeros([1, 8]), values: tf.zeros([1, 8]) };
    module.load(zeros);
    tf.dispose(zeros);
    const gate = tf.scalar(1);
    const out = tf.tidy(() => syntheticForward(syntheticAttentionSite, new GatedSiteCalls([{ site: syntheticAttentionSite, module, gate }])).dataSync().slice());
    out.forEach((v, i) => {
      expect(Math.sign(v)).toBe(Math.sign(a[i]!));
      expect(Math.abs(v)).toBeLessThan(Math.abs(a[i]!));
    });
    module.dispose();
    gate.dispose();
  });
});
