// GatedSiteCalls: the one place where gating is written (docs/METHOD.md §2, docs/ARCHITECTURE.md, convention §8).
// Implements the backbone's SiteCalls from attached (site, module, gate) triples:
// y' = y + sum_i z_i * delta_i at linear/residual/norm/embedding/activation sites (every delta sees the frozen
// y, so the order of attachment does not matter), and gated prefixes handed to the backbone at
// attention sites (the backbone implements the gated joint softmax). z = 0 is an exact no-op.
import * as tf from "@tensorflow/tfjs";
import type { GatedPrefix, SiteCalls } from "../backbone/backbone.js";
import { PluginError } from "../errors/s3pet-error.js";
import type { PetModule, SiteContribution } from "./pet-module.js";
import type { ActivationSite, AttentionSite, EmbeddingSite, LinearSite, NormSite, ResidualSite, Site } from "./site.js";

/** A module placed at a site with its gate (a scalar tensor, usually in [0, 1]). */
export interface AttachedModule {
  readonly site: Site;
  readonly module: PetModule;
  readonly gate: tf.Scalar;
  /** Who made the module (the method id), for error messages only. */
  readonly label?: string;
}

export class GatedSiteCalls implements SiteCalls {
  private readonly bySite = new Map<string, AttachedModule[]>();

  constructor(attached: readonly AttachedModule[]) {
    for (const a of attached) {
      const kind = a.module.contribution.kind;
      if (kind !== a.site.kind) {
        throw new PluginError(`${describe(a)}: module contributes to '${kind}' sites, but the site is '${a.site.kind}'`);
      }
      if (a.gate.rank !== 0) {
        throw new PluginError(`${describe(a)}: gate must be a scalar tensor, got shape [${a.gate.shape.join(",")}]`);
      }
      const list = this.bySite.get(a.site.name);
      if (list) list.push(a);
      else this.bySite.set(a.site.name, [a]);
    }
  }

  /** The modules attached at `siteName` (empty when none). */
  attachedAt(siteName: string): readonly AttachedModule[] {
    return this.bySite.get(siteName) ?? [];
  }

  linear(site: LinearSite, x: tf.Tensor2D, y: tf.Tensor2D): tf.Tensor2D {
    return this.addGated(site, y, (c) => (c.kind === "linear" ? c.delta(x, y) : unreachable(c)));
  }

  residual(site: ResidualSite, h: tf.Tensor2D): tf.Tensor2D {
    return this.addGated(site, h, (c) => (c.kind === "residual" ? c.delta(h) : unreachable(c)));
  }

  norm(site: NormSite, xhat: tf.Tensor2D, y: tf.Tensor2D): tf.Tensor2D {
    return this.addGated(site, y, (c) => (c.kind === "norm" ? c.delta(xhat, y) : unreachable(c)));
  }

  embedding(site: EmbeddingSite, e: tf.Tensor2D): tf.Tensor2D {
    return this.addGated(site, e, (c) => (c.kind === "embedding" ? c.delta(e) : unreachable(c)));
  }

  activation(site: ActivationSite, u: tf.Tensor2D): tf.Tensor2D {
    return this.addGated(site, u, (c) => (c.kind === "activation" ? c.delta(u) : unreachable(c)));
  }

  attentionPrefixes(site: AttentionSite): readonly GatedPrefix[] {
    return this.attachedAt(site.name).map((a) => {
      const c = a.module.contribution;
      if (c.kind !== "attention") return unreachable(c);
      const { keys, values, mass } = c.prefix(); // [L, hidden] each
      for (const [what, t] of [["keys", keys], ["values", values]] as const) {
        if (t.rank !== 2 || t.shape[1] !== site.hidden || t.shape[0] !== keys.shape[0]) {
          throw new PluginError(
            `${describe(a)}: prefix ${what} must be [L, ${site.hidden}], got [${t.shape.join(",")}]`,
          );
        }
      }
      return { keys, values, gate: mass ? tf.mul(a.gate, mass) as tf.Scalar : a.gate };
    });
  }

  /** y + sum_i z_i * delta_i(...), with every delta checked to broadcast to y's shape. */
  private addGated(site: Site, y: tf.Tensor2D, deltaOf: (c: SiteContribution) => tf.Tensor): tf.Tensor2D {
    const attached = this.attachedAt(site.name);
    if (attached.length === 0) return y;
    return tf.tidy(() => {
      let out: tf.Tensor2D = y;
      for (const a of attached) {
        const delta = deltaOf(a.module.contribution); // [N, d] or [d]
        const gated = tf.mul(a.gate, delta);
        if (!broadcastsTo(gated.shape, y.shape)) {
          throw new PluginError(
            `${describe(a)}: delta must be [${y.shape.join(",")}] or [${y.shape[1]}], got [${delta.shape.join(",")}]`,
          );
        }
        out = tf.add(out, gated);
      }
      return out;
    });
  }
}

function broadcastsTo(shape: readonly number[], target: readonly number[]): boolean {
  if (shape.length > target.length) return false;
  const offset = target.length - shape.length;
  return shape.every((d, i) => d === 1 || d === target[offset + i]);
}

function describe(a: AttachedModule): string {
  return `${a.label ?? "module"}@${a.site.name}`;
}

function unreachable(c: SiteContribution): never {
  throw new PluginError(`unexpected '${c.kind}' contribution`);
}
