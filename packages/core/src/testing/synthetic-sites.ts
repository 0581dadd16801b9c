// Small synthetic sites of every kind, and a tiny seeded forward through one site, so the contract
// suite can check a method without a backbone. The attention forward follows the gated-prefix
// semantics every backbone implements (COMMON "Prefix gating"): per head s_seq = q k^T / sqrt(d) + mask,
// s_pre = q k_pre^T / sqrt(d), m = max(s_seq), D = sum exp(s_seq - m) + z sum exp(s_pre - m),
// out = (exp(s_seq - m) v + z exp(s_pre - m) v_pre) / D, so z = 0 is the plain attention to the bit.
import * as tf from "@tensorflow/tfjs";
import type { SiteCalls } from "../backbone/backbone.js";
import { GatedSiteCalls } from "../plugin/gated-site-calls.js";
import type { ActivationSite, AttentionSite, EmbeddingSite, LinearSite, NormSite, ResidualSite, Site } from "../plugin/site.js";

const layer = (i: number, position: string) => ({ name: `encoder.layer.${i}.${position}`, layer: i, position });

export const syntheticLinearSite: LinearSite = { kind: "linear", ...layer(0, "attention.self.query"), dIn: 8, dOut: 8 };
/** A rectangular linear site (dIn != dOut), like `intermediate.dense`. */
export const syntheticWideLinearSite: LinearSite = { kind: "linear", ...layer(0, "intermediate.dense"), dIn: 8, dOut: 12 };
export const syntheticAttentionSite: AttentionSite = { kind: "attention", ...layer(0, "attention"), hidden: 8, heads: 2, headDim: 4 };
export const syntheticResidualSite: ResidualSite = { kind: "residual", ...layer(0, "output"), dim: 8 };
export const syntheticNormSite: NormSite = { kind: "norm", ...layer(0, "output.LayerNorm"), dim: 8 };
export const syntheticActivationSite: ActivationSite = { kind: "activation", ...layer(0, "intermediate.intermediate_act_fn"), dim: 12 };
export const syntheticEmbeddingSite: EmbeddingSite = { kind: "embedding", name: "embeddings", layer: null, position: "embeddings", dim: 8, vocabSize: 16 };

/** One site of each kind (two linear ones), small enough for the cpu backend. */
export const syntheticSites: readonly Site[] = [
  syntheticEmbeddingSite,
  syntheticLinearSite,
  syntheticWideLinearSite,
  syntheticAttentionSite,
  syntheticResidualSite,
  syntheticNormSite,
  syntheticActivationSite,
];

/** Batch and tokens of the synthetic forward: N = B * T rows. */
export const SYNTHETIC_BATCH = 2;
export const SYNTHETIC_TOKENS = 3;

/**
 * The output of `site` on seeded inputs, with `calls` applied (absent: the plain computation).
 * Same `seed`, same inputs. Returns [N, dOut] (linear), [N, dim] (others), [N, hidden] (attention).
 */
export function syntheticForward(site: Site, calls: SiteCalls = new GatedSiteCalls([]), seed = 1): tf.Tensor2D {
  const N = SYNTHETIC_BATCH * SYNTHETIC_TOKENS; // rows
  const normal = (shape: number[], i: number) => tf.randomNormal(shape, 0, 1, "float32", seed * 101 + i);
  return tf.tidy(() => {
    switch (site.kind) {
      case "linear": {
        const x = normal([N, site.dIn], 0) as tf.Tensor2D; // [N, dIn]
        const w = tf.mul(normal([site.dIn, site.dOut], 1), 1 / Math.sqrt(site.dIn)); // [dIn, dOut]
        const y = tf.add(tf.matMul(x, w), normal([site.dOut], 2)) as tf.Tensor2D; // [N, dOut]
        return calls.linear(site, x, y);
      }
      case "residual":
        return calls.residual(site, normal([N, site.dim], 0) as tf.Tensor2D);
      case "norm": {
        const x = normal([N, site.dim], 0);
        const { mean, variance } = tf.moments(x, -1, true);
        const xhat = tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-12))) as tf.Tensor2D; // [N, d]
        const y = tf.add(tf.mul(xhat, tf.add(1, normal([site.dim], 1))), normal([site.dim], 2)) as tf.Tensor2D; // [N, d]
        return calls.norm(site, xhat, y);
      }
      case "embedding":
        return calls.embedding(site, normal([N, site.dim], 0) as tf.Tensor2D);
      case "activation":
        return calls.activation(site, tf.relu(normal([N, site.dim], 0)) as tf.Tensor2D);
      case "attention": {
        const x = normal([N, site.hidden], 0);
        const project = (i: number) => tf.matMul(x, tf.mul(normal([site.hidden, site.hidden], i), 1 / Math.sqrt(site.hidden)));
        return gatedAttention(site, project(1), project(2), project(3), calls);
      }
    }
  });
}

/** The reference gated-prefix attention on [N, hidden] q, k, v; the last token of sequence 1 is padding. */
function gatedAttention(site: AttentionSite, q: tf.Tensor, k: tf.Tensor, v: tf.Tensor, calls: SiteCalls): tf.Tensor2D {
  const [B, T, nh, dh] = [SYNTHETIC_BATCH, SYNTHETIC_TOKENS, site.heads, site.headDim]; // batch, tokens, heads, head dim
  const heads = (t: tf.Tensor) => tf.transpose(tf.reshape(t, [B, T, nh, dh]), [0, 2, 1, 3]); // [B, nh, T, dh]
  const mask = tf.tensor4d([0, 0, 0, 0, 0, -1e9], [B, 1, 1, T]); // additive, padded key of sequence 1
  const qh = heads(q);
  const sSeq = tf.add(tf.div(tf.matMul(qh, heads(k), false, true), Math.sqrt(dh)), mask); // [B, nh, T, T]
  const m = tf.max(sSeq, -1, true); // [B, nh, T, 1]
  const eSeq = tf.exp(tf.sub(sSeq, m)); // [B, nh, T, T]
  let denominator = tf.sum(eSeq, -1, true); // [B, nh, T, 1]
  const terms: { e: tf.Tensor; v: tf.Tensor }[] = [];
  for (const p of calls.attentionPrefixes(site)) {
    const L = p.keys.shape[0]; // prefix length
    const kp = tf.transpose(tf.reshape(p.keys, [L, nh, dh]), [1, 0, 2]); // [nh, L, dh]
    const vp = tf.transpose(tf.reshape(p.values, [L, nh, dh]), [1, 0, 2]); // [nh, L, dh]
    const sPre = tf.div(tf.matMul(qh, tf.broadcastTo(kp, [B, nh, L, dh]), false, true), Math.sqrt(dh)); // [B, nh, T, L]
    const ePre = tf.mul(p.gate, tf.exp(tf.sub(sPre, m))); // [B, nh, T, L]
    denominator = tf.add(denominator, tf.sum(ePre, -1, true));
    terms.push({ e: ePre, v: tf.broadcastTo(vp, [B, nh, L, dh]) });
  }
  let out = tf.matMul(tf.div(eSeq, denominator), heads(v)); // [B, nh, T, dh]
  for (const t of terms) out = tf.add(out, tf.matMul(tf.div(t.e, denominator), t.v));
  return tf.reshape(tf.transpose(out, [0, 2, 1, 3]), [B * T, nh * dh]) as tf.Tensor2D; // [N, hidden]
}
