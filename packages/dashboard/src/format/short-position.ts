// shortPosition: compact labels for HF BERT positions inside a layer (site names, docs/ARCHITECTURE.md "Core concepts"), so
// the heatmap and tables fit 80 columns. Unknown positions (other backbones) are shown as they are.

const SHORT: Readonly<Record<string, string>> = {
  embeddings: "emb",
  "embeddings.LayerNorm": "emb.ln",
  attention: "attn",
  "attention.self.query": "attn.q",
  "attention.self.key": "attn.k",
  "attention.self.value": "attn.v",
  "attention.output.dense": "attn.o",
  "attention.output": "attn.out",
  "attention.output.LayerNorm": "attn.ln",
  "intermediate.dense": "ffn.in",
  "intermediate.intermediate_act_fn": "ffn.act",
  "output.dense": "ffn.o",
  output: "ffn.out",
  "output.LayerNorm": "ffn.ln",
};

export function shortPosition(position: string): string {
  return SHORT[position] ?? position;
}

/** `L3 attn.v`, or the short position alone for sites outside the layers (embeddings). */
export function shortSite(layer: number | null, position: string): string {
  return layer === null ? shortPosition(position) : `L${layer} ${shortPosition(position)}`;
}
