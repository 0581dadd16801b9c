// The one builder and the one parser of candidate keys (docs/ARCHITECTURE.md, convention §5): `<site>#<method>`.
import { S3petInputError } from "../errors/s3pet-error.js";

export function candidateKey(site: string, method: string): string {
  return `${site}#${method}`;
}

export function parseCandidateKey(key: string): { site: string; method: string } {
  const i = key.lastIndexOf("#");
  if (i <= 0 || i === key.length - 1) throw new S3petInputError(`bad candidate key '${key}' (expected <site>#<method>)`);
  return { site: key.slice(0, i), method: key.slice(i + 1) };
}
