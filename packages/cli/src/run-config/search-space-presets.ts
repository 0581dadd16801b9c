// Named search spaces (`--space <name>`): a method list and option values, so a published space is
// one flag. `--methods` and `--<method>.<option>` flags given with it win over the preset's.
import { S3petInputError } from "@s3pet/core";

export interface SearchSpacePreset {
  readonly description: string;
  readonly methods: readonly string[];
  readonly methodOptions: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

export const SEARCH_SPACE_PRESETS: Readonly<Record<string, SearchSpacePreset>> = {
  // The paper's mixed space S3PET-M (Hu et al. 2022, arXiv 2206.07382): rank-1 LoRA, adapters, BitFit,
  // LNFit and low-rank adapters; the other options are the plugins' defaults.
  "s3pet-m": {
    description: "the S3PET paper's mixed space: LoRA r=1, adapter, BitFit, LNFit, low-rank adapter",
    methods: ["lora", "adapter", "bitfit", "lnfit", "low-rank-adapter"],
    methodOptions: { lora: { rank: 1 } },
  },
};

export function searchSpacePreset(name: string): SearchSpacePreset {
  const preset = SEARCH_SPACE_PRESETS[name];
  if (!preset) throw new S3petInputError(`--space ${name}: unknown search space (known: ${Object.keys(SEARCH_SPACE_PRESETS).join(", ")})`);
  return preset;
}
