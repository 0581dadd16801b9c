// Guard for docs/ARCHITECTURE.md, convention §3: the core never names a PET method. Scans every non-test source file of
// packages/core/src with the TypeScript scanner (so comments are skipped exactly) and fails on
// identifiers or code strings naming a method id, or a method id compared against (prose in messages
// may give an example).
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const SRC = new URL("..", import.meta.url).pathname; // packages/core/src
/** Ids that have no meaning in core besides the method, so any identifier or string naming them is a leak. */
const METHOD_ONLY_WORDS = /lora|bitfit|ia3|lnfit/i;
/** Ids that are also plain words in core ("attention prefixes", the PEFT `adapter/` run directory). */
const METHOD_IDS = ["lora", "adapter", "bitfit", "prefix", "ia3", "lnfit"];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) ? [path] : [];
  });
}

/** Method names found in `text` outside comments, as `line: token`. */
export function methodNamesIn(text: string): string[] {
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, /* skipTrivia */ true, ts.LanguageVariant.Standard, text);
  const found: string[] = [];
  const templateBraces: number[] = []; // open `{` count inside each enclosing template substitution
  let previous = ts.SyntaxKind.Unknown;
  for (let kind = scanner.scan(); kind !== ts.SyntaxKind.EndOfFileToken; kind = scanner.scan()) {
    if (kind === ts.SyntaxKind.OpenBraceToken && templateBraces.length) templateBraces[templateBraces.length - 1]!++;
    if (kind === ts.SyntaxKind.CloseBraceToken && templateBraces.length) {
      if (templateBraces[templateBraces.length - 1] === 0) {
        kind = scanner.reScanTemplateToken(false); // the `}...` continuing a template literal
        if (kind === ts.SyntaxKind.TemplateTail) templateBraces.pop();
      } else templateBraces[templateBraces.length - 1]!--;
    }
    if (kind === ts.SyntaxKind.TemplateHead) templateBraces.push(0);
    const value = scanner.getTokenValue();
    const isString = STRING_TOKENS.includes(kind);
    const leak =
      ((kind === ts.SyntaxKind.Identifier || (isString && !PROSE.test(value))) && METHOD_ONLY_WORDS.test(value)) ||
      (isString && COMPARISONS.includes(previous) && METHOD_IDS.includes(value)) ||
      (isString && METHOD_IDS.some((id) => (value === id && id !== "adapter") || value.includes(`#${id}`) || value.startsWith(`${id}:`)));
    if (leak) found.push(`${text.slice(0, scanner.getTokenStart()).split("\n").length}: ${scanner.getTokenText()}`);
    previous = kind;
  }
  return found;
}

const STRING_TOKENS = [ts.SyntaxKind.StringLiteral, ts.SyntaxKind.NoSubstitutionTemplateLiteral, ts.SyntaxKind.TemplateHead,
  ts.SyntaxKind.TemplateMiddle, ts.SyntaxKind.TemplateTail];
/** Strings with whitespace are messages and help text, where an example may name a method. */
const PROSE = /\s/;
const COMPARISONS = [ts.SyntaxKind.EqualsEqualsEqualsToken, ts.SyntaxKind.ExclamationEqualsEqualsToken,
  ts.SyntaxKind.EqualsEqualsToken, ts.SyntaxKind.ExclamationEqualsToken, ts.SyntaxKind.CaseKeyword];

describe("the core never names a method (docs/ARCHITECTURE.md, convention §3)", () => {
  it("finds no method id in packages/core/src outside comments and tests", () => {
    const leaks = sourceFiles(SRC).flatMap((f) => methodNamesIn(readFileSync(f, "utf8")).map((l) => `${relative(SRC, f)}:${l}`));
    expect(leaks).toEqual([]);
  });

  it("catches names in code and strings but not in comments", () => {
    expect(methodNamesIn(`// lora is fine here\n/* and prefix === "prefix" here */\nconst x = 1;`)).toEqual([]);
    expect(methodNamesIn(`const loraRank = 8;`)).toEqual(["1: loraRank"]);
    expect(methodNamesIn(`if (m.name === "adapter") {}`)).toEqual(['1: "adapter"']);
    expect(methodNamesIn(`switch (id) {\n  case 'prefix': break;\n}`)).toEqual(["2: 'prefix'"]);
    expect(methodNamesIn("const k = `${site}#bitfit`;")).toEqual(["1: }#bitfit`"]);
    expect(methodNamesIn("const k = `${a ? `${b}` : {}[0]}#adapter`;")).toEqual(["1: }#adapter`"]);
    expect(methodNamesIn(`const key = "encoder.layer.0#prefix";`)).toEqual(['1: "encoder.layer.0#prefix"']);
    expect(methodNamesIn(`throw new Error("bad --methods, e.g. lora,adapter")`)).toEqual([]);
    // plain words that are not method names: attention prefixes, the PEFT adapter/ run directory
    expect(methodNamesIn(`const p = c.prefix(); const d = join(run, "adapter");`)).toEqual([]);
  });
});
