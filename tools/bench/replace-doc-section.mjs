// @ts-check
// Writes a generated section into a markdown document between `<!-- bench:<name>:start -->` and
// `<!-- bench:<name>:end -->` (or another prefix than `bench`), appending the markers at the end the first time; the rest of the
// document (other people's sections) is kept byte for byte.
import { existsSync, readFileSync } from "node:fs";
import { writeFileAtomic } from "@s3pet/core";

export function replaceDocSection(path, name, body, prefix = "bench") {
  const start = `<!-- ${prefix}:${name}:start -->`;
  const end = `<!-- ${prefix}:${name}:end -->`;
  const doc = existsSync(path) ? readFileSync(path, "utf8") : "";
  const block = `${start}\n${body.trim()}\n${end}`;
  const i = doc.indexOf(start);
  const j = doc.indexOf(end);
  // One marker without the other (or the two out of order) means a hand edit moved one: appending would
  // leave the old text behind and replacing would swallow whatever lies between, so refuse.
  if ((i >= 0) !== (j >= 0) || (i >= 0 && j < i)) throw new Error(`${path}: the markers ${start} and ${end} are not a pair in order; put them back around the "${name}" section`);
  const next = i >= 0 ? doc.slice(0, i) + block + doc.slice(j + end.length) : `${doc.trimEnd()}\n\n${block}\n`;
  writeFileAtomic(path, next);
}
