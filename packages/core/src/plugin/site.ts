// Site: a named place in a backbone where a PET module can attach (docs/ARCHITECTURE.md "Core concepts").
// Names follow the Hugging Face parameter paths of the backbone, e.g. `encoder.layer.3.attention.self.query`,
// so users target sites with the patterns they already know. `SiteKind` is a closed union: a method
// declares the kinds it attaches to, and the core never asks for a method by name.

export type SiteKind = "linear" | "attention" | "residual" | "norm" | "embedding" | "activation";

export const SITE_KINDS: readonly SiteKind[] = ["linear", "attention", "residual", "norm", "embedding", "activation"];

interface SiteBase {
  /** Full HF-style path, unique within a backbone. */
  readonly name: string;
  /** Layer index, or null for sites outside the layer stack (embeddings). */
  readonly layer: number | null;
  /** Position inside the layer (`attention.self.query`), the row label of the gate heatmap. */
  readonly position: string;
}

/** y = x W + b; a module adds a delta to y. */
export interface LinearSite extends SiteBase {
  readonly kind: "linear";
  readonly dIn: number;
  readonly dOut: number;
}

/** Self-attention block; a module contributes key/value prefixes. */
export interface AttentionSite extends SiteBase {
  readonly kind: "attention";
  readonly hidden: number;
  readonly heads: number;
  readonly headDim: number;
}

/** A sublayer's output before the residual add (Houlsby adapter placement). */
export interface ResidualSite extends SiteBase {
  readonly kind: "residual";
  readonly dim: number;
}

/** A LayerNorm: y = gamma * xhat + beta; a module adds a delta to y. */
export interface NormSite extends SiteBase {
  readonly kind: "norm";
  readonly dim: number;
}

/** A feed-forward block's activated hidden units u = act(x W1 + b1), the input of its output
 *  projection; a module adds a delta to u ((IA)^3's l_ff scales here). */
export interface ActivationSite extends SiteBase {
  readonly kind: "activation";
  readonly dim: number;
}

/** The summed (and normalised) input embeddings. */
export interface EmbeddingSite extends SiteBase {
  readonly kind: "embedding";
  readonly dim: number;
  readonly vocabSize: number;
}

export type Site = LinearSite | AttentionSite | ResidualSite | NormSite | EmbeddingSite | ActivationSite;
export type SiteOfKind<K extends SiteKind> = Extract<Site, { kind: K }>;

/** The dimensions of a site as a plain record (for `inspect`, events and error messages). */
export function siteDims(site: Site): Record<string, number> {
  switch (site.kind) {
    case "linear":
      return { dIn: site.dIn, dOut: site.dOut };
    case "attention":
      return { hidden: site.hidden, heads: site.heads, headDim: site.headDim };
    case "residual":
    case "norm":
    case "activation":
      return { dim: site.dim };
    case "embedding":
      return { dim: site.dim, vocabSize: site.vocabSize };
  }
}
