// The one builder and the one parser of candidate keys (docs/ARCHITECTURE.md, convention §5): `<site>#<method>`, or
// `<site>#<method>[<variant>]` when a search space holds the method with several option values at
// a site (the variant names them, e.g. `rank=1`), so keys stay unique.
import { S3petInputError } from "../errors/s3pet-error.js";

export function candidateKey(site: string, method: string, variant?: string | null): string {
  return variant ? `${site}#${method}[${variant}]` : `${site}#${method}`;
}

export function parseCandidateKey(key: string): { site: string; method: string; variant: string | null } {
  const v = /\[([^\]]*)\]$/.exec(key);
  const base = v ? key.slice(0, v.index) : key;
  const i = base.lastIndexOf("#");
  if (i <= 0 || i === base.length - 1) throw new S3petInputError(`bad candidate key '${key}' (expected <site>#<method> or <site>#<method>[<variant>])`);
  return { site: base.slice(0, i), method: base.slice(i + 1), variant: v ? v[1]! : null };
}
