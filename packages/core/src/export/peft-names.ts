// How PEFT names modules and matches its config fields against them (docs/EXPORT.md): a module is
// `<model prefix><site>` (e.g. `bert.encoder.layer.0.attention.self.query` in a
// BertForSequenceClassification), its tensors `base_model.model.<module>.<suffix>`.

/** Prefix of every tensor in adapter_model.safetensors. */
export const PEFT_TENSOR_PREFIX = "base_model.model.";

/**
 * PEFT's target_modules rule: a list matches a module named exactly so or ending in `.<entry>`; a
 * string is a regular expression the whole name must match.
 */
export function peftModuleMatches(spec: unknown, name: string): boolean {
  if (typeof spec === "string") return new RegExp(`^(?:${spec})$`).test(name);
  if (!Array.isArray(spec)) return false;
  return spec.some((entry) => typeof entry === "string" && (name === entry || name.endsWith(`.${entry}`)));
}

/** The value a rank_pattern/alpha_pattern-style map gives module `name` (its key matches the name's end), or undefined. */
export function peftPatternValue(pattern: unknown, name: string): unknown {
  if (pattern === null || typeof pattern !== "object") return undefined;
  for (const [key, value] of Object.entries(pattern)) {
    if (new RegExp(`^(?:.*\\.)?(?:${key})$`).test(name)) return value;
  }
  return undefined;
}
