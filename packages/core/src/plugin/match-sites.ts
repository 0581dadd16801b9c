// matchSites: selects sites by HF-style name patterns (docs/ARCHITECTURE.md "Site"), the way PEFT's
// `target_modules` does. A pattern is either a suffix on dot boundaries (`query` matches
// `encoder.layer.3.attention.self.query`, `attention.output` matches `encoder.layer.3.attention.output`
// but not `...attention.output.dense`) or a regular expression written `/source/flags`, tested
// anywhere in the name (anchor it with ^ and $ for a full match).
import { S3petInputError } from "../errors/s3pet-error.js";
import type { Site } from "./site.js";

/** The sites whose name matches any `include` pattern and no `exclude` pattern, in their given order. */
export function matchSites<S extends Site>(
  sites: readonly S[],
  include: readonly string[],
  exclude: readonly string[] = [],
): S[] {
  const wanted = include.map(sitePattern);
  const unwanted = exclude.map(sitePattern);
  return sites.filter((s) => wanted.some((p) => p(s.name)) && !unwanted.some((p) => p(s.name)));
}

/** A predicate on site names for one pattern; a malformed regex is an input error naming it. */
export function sitePattern(pattern: string): (siteName: string) => boolean {
  const regex = /^\/(.+)\/([a-z]*)$/s.exec(pattern);
  if (regex) {
    let re: RegExp;
    try {
      re = new RegExp(regex[1]!, regex[2]!.replace("g", ""));
    } catch (cause) {
      throw new S3petInputError(`site pattern '${pattern}' is not a valid regular expression (fix the /regex/ or use a name suffix)`, { cause });
    }
    return (name) => re.test(name);
  }
  if (pattern.length === 0 || pattern.startsWith(".") || pattern.endsWith(".")) {
    throw new S3petInputError(`site pattern '${pattern}' is empty or starts/ends with '.' (use a name suffix like 'attention.self.query' or a /regex/)`);
  }
  return (name) => name === pattern || name.endsWith(`.${pattern}`);
}
