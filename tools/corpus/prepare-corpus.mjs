#!/usr/bin/env node
// Prepares the wider English pretraining corpus from Debian packages, reproducibly, into a cache
// directory outside the repository (the text is large and stays out of git; only the manifest is
// committed). Each package is fetched at its pinned version with `apt-get download` (no install, run
// `apt-get update` once first), unpacked with `dpkg-deb -x`, and its text extracted, cleaned and split
// into documents, every 25th of which is held out. Moby-Dick and the State of the Union addresses stay
// where they are (npm dependencies of @s3pet/models, read by pretraining-corpus.ts with their own held-out
// rule); this adds the rest.
//
// Cleaning, per paragraph: source markup stripped (dictd pronunciations, etymologies and source tags,
// POD and reStructuredText markup, verse numbers; code blocks and directives dropped), whitespace
// collapsed; dropped when shorter than 4 words, when letters are under 60% of its characters (code,
// tables), or when it looks non-English (paragraphs of 12+ words with under 8% English function words,
// or under 70% ASCII letters among letters); then exact duplicates (case-insensitive) are dropped across
// the whole corpus, the first kept.
//
//   node tools/corpus/prepare-corpus.mjs [--cache DIR] [--check]
//
// DIR defaults to ~/.cache/s3pet/corpus, where `s3pet pretrain` looks by default. Writes DIR/text/<source>.jsonl (one
// document a line: {"id","heldOut","paragraphs"}) and DIR/manifest.json, and copies the manifest to
// tools/corpus/corpus-manifest.json. --check re-extracts and exits 1 if any output differs from the
// committed manifest's sha256.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, statSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { basename, dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const COMMITTED_MANIFEST = join(ROOT, "tools/corpus/corpus-manifest.json");
const HELD_OUT_EVERY = 25;

/** Pinned Debian (bookworm) packages per source; `extract(dirs)` yields documents {id, paragraphs}. */
const SOURCES = [
  {
    name: "gcide",
    description: "GNU Collaborative International Dictionary of English (Webster's 1913 plus additions): definitions",
    packages: [["dict-gcide", "0.48.5+nmu2"]],
    license: "GPL-2+ (Webster's 1913 text: public domain)",
    extract: ([dir]) => chunk(dictdEntries(join(dir, "usr/share/dictd/gcide"), (t) => cleanLinks(cleanGcide(t))), 400, "entries"),
  },
  {
    name: "wordnet",
    description: "WordNet 3.0 glosses (definitions and example sentences) of every synset",
    packages: [["wordnet-base", "1:3.0-37"]],
    license: "WordNet-3.0 (Princeton, BSD-like)",
    extract: ([dir]) => wordnetDocuments(join(dir, "usr/share/wordnet")),
  },
  {
    name: "foldoc",
    description: "Free On-line Dictionary of Computing",
    packages: [["dict-foldoc", "20230119-1"]],
    license: "GFDL-1.1+",
    extract: ([dir]) => chunk(dictdEntries(join(dir, "usr/share/dictd/foldoc"), cleanLinks), 200, "entries"),
  },
  {
    name: "jargon",
    description: "The Jargon File 4.4.7 (hacker slang lexicon)",
    packages: [["dict-jargon", "4.4.7-3.1"]],
    license: "public domain",
    extract: ([dir]) => chunk(dictdEntries(join(dir, "usr/share/dictd/jargon"), cleanLinks), 50, "entries"),
  },
  {
    name: "devil",
    description: "The Devil's Dictionary by Ambrose Bierce",
    packages: [["dict-devil", "1.0-13.1"]],
    license: "public domain",
    extract: ([dir]) => chunk(dictdEntries(join(dir, "usr/share/dictd/devil"), cleanLinks), 25, "entries"),
  },
  {
    name: "kjv",
    description: "The King James Bible (Authorized Version), one document a chapter",
    packages: [["bible-kjv-text", "4.38"], ["bible-kjv", "4.38"]],
    license: "text: public domain (Crown patent in the UK); packages GPL-2+",
    extract: ([text, program]) => kjvChapters(join(program, "usr/bin/bible"), join(text, "usr/lib")),
  },
  {
    name: "fortunes",
    description: "fortune(6) quotations, maxims and anecdotes (the non-offensive sets)",
    packages: [["fortunes", "1:1.99.1-7.3"], ["fortunes-min", "1:1.99.1-7.3"]],
    license: "BSD-4-clause-UC (collected quotations)",
    extract: (dirs) => chunk(fortunes(dirs.map((d) => join(d, "usr/share/games/fortunes"))), 200, "fortunes"),
  },
  {
    name: "perl-doc",
    description: "The Perl 5.36 manual pages (POD prose; code dropped)",
    packages: [["perl-doc", "5.36.0-7+deb12u4"]],
    license: "GPL-1+ or Artistic",
    extract: ([dir]) => filesUnder(join(dir, "usr/share/perl"), ".pod").map((f) => ({ id: basename(f, ".pod"), paragraphs: podProse(read(f)) })),
  },
  {
    name: "python-doc",
    description: "The Python 3.11 documentation (reStructuredText prose; code and directives dropped)",
    packages: [["python3.11-doc", "3.11.2-6+deb12u9"]],
    license: "PSF-2.0",
    extract: ([dir]) => {
      const base = join(dir, "usr/share/doc/python3.11/html/_sources");
      return filesUnder(base, ".rst.txt").map((f) => ({ id: relative(base, f).replace(/\.rst\.txt$/, ""), paragraphs: rstProse(read(f)) }));
    },
  },
  {
    name: "manpages",
    description: "The Linux man-pages project: system calls, library functions, files, overviews (roff prose; examples dropped)",
    packages: [["manpages", "6.03-2"], ["manpages-dev", "6.03-2"]],
    license: "Linux-man-pages-copyleft, GPL-2+, Expat and others per page (see the packages' copyright files)",
    extract: (dirs) =>
      dirs.flatMap((d) => filesUnder(join(d, "usr/share/man"), ".gz")).map((f) => ({ id: basename(f, ".gz"), paragraphs: roffProse(gunzipSync(readFileSync(f)).toString("utf8")) })),
  },
  {
    name: "postgresql-doc",
    description: "The PostgreSQL 15 manual (HTML prose; program listings dropped)",
    packages: [["postgresql-doc-15", "15.20-0+deb12u1"]],
    license: "PostgreSQL (BSD-like)",
    extract: ([dir]) => htmlDocuments(join(dir, "usr/share/doc/postgresql-doc-15/html")),
  },
  {
    name: "sqlite-doc",
    description: "The SQLite 3.40 documentation (HTML prose; code dropped)",
    packages: [["sqlite3-doc", "3.40.1-2+deb12u2"]],
    license: "public domain",
    extract: ([dir]) => htmlDocuments(join(dir, "usr/share/doc/sqlite3")),
  },
  {
    name: "django-doc",
    description: "The Django 3.2 documentation (HTML prose; code dropped)",
    packages: [["python-django-doc", "3:3.2.25-0+deb12u7"]],
    license: "BSD-3-Clause",
    extract: ([dir]) => htmlDocuments(join(dir, "usr/share/doc/python-django-doc/html")),
  },
  {
    name: "git-doc",
    description: "The Git 2.39 manual pages and guides (AsciiDoc prose; listings dropped)",
    packages: [["git-doc", "1:2.39.5-0+deb12u3"]],
    license: "GPL-2",
    extract: ([dir]) => filesUnder(join(dir, "usr/share/doc/git-doc"), ".txt").map((f) => ({ id: basename(f, ".txt"), paragraphs: asciidocProse(read(f)) })),
  },
  {
    name: "nodejs-doc",
    description: "The Node.js 18 API documentation (HTML prose; code dropped)",
    packages: [["nodejs-doc", "18.20.4+dfsg-1~deb12u3"]],
    license: "Expat",
    extract: ([dir]) => htmlDocuments(join(dir, "usr/share/doc/nodejs/api")).filter((d) => d.id !== "all"), // all.html repeats every page
  },
  {
    name: "debian-docs",
    description: "The Debian Administrator's Handbook (English) and the Debian Reference (HTML prose)",
    packages: [["debian-handbook", "11.20220922"], ["debian-reference-en", "2.100"]],
    license: "handbook: GPL-2.0+ or CC-BY-SA-3.0; reference: GPL-2+",
    extract: ([handbook, reference]) => [
      ...htmlDocuments(join(handbook, "usr/share/doc/debian-handbook/html/en-US")),
      ...htmlDocuments(join(reference, "usr/share/debian-reference")),
    ],
  },
  {
    name: "tcl-doc",
    description: "The Tcl 8.6 manual pages (roff prose; examples dropped)",
    packages: [["tcl8.6-doc", "8.6.13+dfsg-2"]],
    license: "TCL (BSD-style)",
    extract: ([dir]) => filesUnder(join(dir, "usr/share/man"), ".gz").map((f) => ({ id: basename(f, ".gz"), paragraphs: roffProse(gunzipSync(readFileSync(f)).toString("utf8")) })),
  },
];

// ---------------------------------------------------------------------------------------------------
// Extractors

const read = (file) => readFileSync(file, "utf8");

function filesUnder(dir, suffix) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(path, suffix));
    else if (entry.isFile() && entry.name.endsWith(suffix)) out.push(path);
  }
  return out.sort();
}

/** Consecutive items (each {id, paragraphs}) grouped `size` at a time into documents. */
function chunk(items, size, what) {
  const docs = [];
  for (let i = 0; i < items.length; i += size) {
    const group = items.slice(i, i + size);
    docs.push({ id: `${what}_${i + 1}-${i + group.length}_${group[0].id}`, paragraphs: group.flatMap((g) => g.paragraphs) });
  }
  return docs;
}

/** dictd database (name.index + name.dict.dz): one item per headword, body split on blank lines. */
function dictdEntries(base, clean) {
  const dict = gunzipSync(readFileSync(`${base}.dict.dz`)); // dictzip is gzip with random-access extras
  const b64 = (s) => [...s].reduce((n, c) => n * 64 + "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".indexOf(c), 0);
  const seen = new Set();
  const items = [];
  for (const line of read(`${base}.index`).split("\n")) {
    const [word, offset, length] = line.split("\t");
    if (!length || /^00-?database/.test(word)) continue;
    const key = `${offset}:${length}`;
    if (seen.has(key)) continue; // several headwords can point at one entry
    seen.add(key);
    const body = dict.subarray(b64(offset), b64(offset) + b64(length)).toString("utf8");
    items.push({ id: word, paragraphs: body.split(/\n\s*\n/).map(clean) });
  }
  return items;
}

/** GCIDE: drop pronunciations \Ab*do"men\, bracketed etymologies and source tags [1913 Webster]. */
function cleanGcide(text) {
  return text.replace(/\\[^\\\n]*\\/g, "").replace(/\[[^\]]*\]/g, "").replace(/\s+([,.;:])/g, "$1");
}

/** FOLDOC / Jargon / Devil: {cross references} keep their text; URLs and <addresses> go. */
function cleanLinks(text) {
  return text.replace(/[{}]/g, "").replace(/<[^>\s]*>|\b(?:https?|ftp):\/\/\S+/g, "");
}

function wordnetDocuments(dir) {
  const docs = [];
  for (const pos of ["noun", "verb", "adj", "adv"]) {
    const synsets = [];
    for (const line of read(join(dir, `data.${pos}`)).split("\n")) {
      if (!/^\d{8} /.test(line)) continue; // the licence header lines start with spaces
      const bar = line.indexOf(" | ");
      if (bar < 0) continue;
      const word = line.split(" ")[4].replace(/_/g, " ");
      synsets.push({ id: word, paragraphs: [`${word}: ${line.slice(bar + 3).trim()}`] });
    }
    docs.push(...chunk(synsets, 1000, pos));
  }
  return docs;
}

/** The KJV through the package's own reader (its data format is compressed); one document a chapter. */
function kjvChapters(program, dataDir) {
  const out = execFileSync(program, ["-p", dataDir, "-l0", "Gen1:1-Rev22:21"], { maxBuffer: 64 << 20 }).toString("utf8");
  const docs = [];
  for (const block of out.split(/\n(?=\S)/)) {
    const [title, ...verses] = block.trim().split("\n");
    if (!title || verses.length === 0) continue;
    const text = verses.map((v) => v.replace(/^\s*\d+\s+/, "")).join(" ");
    docs.push({ id: title.trim().replace(/\s+/g, "_"), paragraphs: [text] });
  }
  return docs;
}

function fortunes(dirs) {
  const items = [];
  for (const dir of dirs) {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (name.includes(".") || !statSync(path).isFile()) continue; // .dat indexes, .u8 links
      read(path)
        .split(/^%$/m)
        .forEach((f, i) => items.push({ id: `${name}_${i}`, paragraphs: [f] }));
    }
  }
  return items;
}

/** POD: prose paragraphs and headings; verbatim (indented) blocks, =begin/=for blocks, formatting codes' markup go. */
function podProse(text) {
  const out = [];
  let skipping = false;
  for (const p of text.split(/\n\s*\n/)) {
    if (/^=begin/.test(p)) skipping = true;
    if (skipping) {
      if (/^=end/m.test(p)) skipping = false;
      continue;
    }
    if (/^[ \t]/.test(p) || /^=(?:cut|pod|over|back|for|encoding|end)\b/.test(p)) continue;
    out.push(unpod(p.replace(/^=(?:head\d|item)\s*/, "")));
  }
  return out;
}

function unpod(text) {
  let s = text;
  for (let i = 0; i < 4; i++) {
    s = s.replace(/[A-Z]<<+\s+(.*?)\s+>>+/gs, "$1").replace(/[A-Z]<([^<>]*)>/g, (_, inner) => (inner.includes("|") ? inner.split("|")[0] : inner));
  }
  return s.replace(/E<(\w+)>/g, "");
}

/**
 * reStructuredText: prose paragraphs (indented ones too: directive bodies hold most of the reference);
 * literal blocks after `::`, code directives, comments, heading rules, tables and doctests go.
 */
function rstProse(text) {
  const out = [];
  let literal = false;
  for (const block of text.split(/\n\s*\n/)) {
    const indented = /^[ \t]/.test(block);
    if (literal && indented) continue;
    literal = /::\s*$/.test(block) || /^\s*\.\. (?:code-block|code|doctest|testcode|testoutput|productionlist|highlight|literalinclude)/.test(block);
    const p = block.replace(/^\s+/gm, "");
    if (/^\.\. /.test(p) || /^[=\-~^"'`#*+]{3,}\s*$/m.test(p) || /^[+|]/.test(p) || /^>>>|^\$ /.test(p)) continue;
    out.push(
      p
        .replace(/:[\w:-]+:`~?([^`<]*?)(?:\s*<[^>]*>)?`/g, "$1")
        .replace(/`([^`<]*?)\s*<[^>]*>`_+/g, "$1")
        .replace(/``([^`]*)``/g, "$1")
        .replace(/`([^`]*)`_*/g, "$1")
        .replace(/\*\*?([^*]+)\*\*?/g, "$1")
        .replace(/::$/, ":"),
    );
  }
  return out;
}

/** roff (man(7)): text lines and the text of font macros; .nf/.EX examples, comments, tables go. */
function roffProse(text) {
  const out = [];
  let current = [];
  let skip = false;
  const flush = () => {
    if (current.length > 0) out.push(current.join(" "));
    current = [];
  };
  for (const line of text.split("\n")) {
    if (/^\.(?:nf|EX|TS|in \+)/.test(line)) {
      skip = true;
      flush();
    }
    if (/^\.(?:fi|EE|TE|in)\b/.test(line)) {
      skip = false;
      continue;
    }
    if (skip) continue;
    if (/^[.'](?:PP|P|LP|TP|IP|HP|SH|SS|sp|br|RS|RE)\b/.test(line) || line.trim() === "") {
      flush();
      if (/^\.(?:SH|SS)/.test(line)) out.push(line.replace(/^\.\w+\s*/, "").replace(/"/g, ""));
      continue;
    }
    if (/^[.']\s*\\"/.test(line)) continue;
    if (/^\.(?:B|I|BR|IR|RB|RI|BI|IB|SM|SB)\b/.test(line)) current.push(line.replace(/^\.\w+\s*/, "").replace(/"/g, ""));
    else if (!/^[.']/.test(line)) current.push(line);
  }
  flush();
  return out.map((p) =>
    p
      .replace(/\\f(?:\(..|\[[^\]]*\]|.)/g, "")
      .replace(/\\\(em|\\\[em\]/g, "\u2014")
      .replace(/\\\((?:aq|cq)/g, "'")
      .replace(/\\\((?:lq|rq|dq)/g, '"')
      .replace(/\\-/g, "-")
      .replace(/\\e/g, "\\")
      .replace(/\\[&|^%:]/g, "")
      .replace(/\\\(..|\\\*\(..|\\\*.|\\s[+-]?\d|\\./g, ""),
  );
}

/** HTML pages, one document each: block elements end paragraphs; <pre>, scripts, styles and navigation go. */
function htmlDocuments(dir) {
  return filesUnder(dir, ".html").map((f) => ({ id: relative(dir, f).replace(/\.html$/, ""), paragraphs: htmlProse(read(f)) }));
}

function htmlProse(html) {
  const body = html
    .replace(/<(head|script|style|pre|nav|table)\b[\s\S]*?<\/\1>/gi, "\n\n")
    .replace(/<\/?(?:p|div|li|dd|dt|h\d|br|tr|td|th|blockquote|section|ul|ol|dl)\b[^>]*>/gi, "\n\n")
    .replace(/<[^>]*>/g, "");
  const entities = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " ", mdash: "\u2014", ndash: "\u2013", hellip: "\u2026", rsquo: "\u2019", lsquo: "\u2018", ldquo: "\u201c", rdquo: "\u201d", para: "" };
  return body
    .replace(/&(#x?[0-9a-f]+|\w+);/gi, (m, e) => (e[0] === "#" ? String.fromCodePoint(e[1] === "x" || e[1] === "X" ? parseInt(e.slice(2), 16) : Number(e.slice(1))) : entities[e] ?? m))
    .split(/\n\s*\n/);
}

/** AsciiDoc: prose paragraphs; listing/literal blocks (---- or .... delimited, or indented), attributes, title rules go. */
function asciidocProse(text) {
  const kept = [];
  let inBlock = false;
  for (const line of text.split("\n")) {
    if (/^(?:-{4,}|\.{4,})\s*$/.test(line)) {
      inBlock = !inBlock;
      kept.push("");
    } else if (!inBlock) kept.push(line);
  }
  return kept
    .join("\n")
    .split(/\n\s*\n/)
    .filter((p) => !/^[ \t]/.test(p) && !/^[:[]/.test(p) && !/^[=~^+-]{3,}\s*$/m.test(p))
    .map((p) => p.replace(/linkgit:([\w-]+)\[\d\]/g, "$1").replace(/[`*_]{1,2}([^`*_\n]+)[`*_]{1,2}/g, "$1"));
}

// ---------------------------------------------------------------------------------------------------
// Cleaning shared by every source

const FUNCTION_WORDS = new Set(
  "the of and to a in is that for it as with was on be by this are or from at an which not but have his he they you all its their can if one we there been has more when will what were so would no them other into than may these some any only such out who her she also how then should".split(" "),
);

/** The cleaned paragraph, or null when it is too short, code-like or not English. */
function cleanParagraph(raw) {
  const p = raw.replace(/\s+/g, " ").trim();
  const words = p.split(" ");
  if (words.length < 4) return null;
  const letters = p.match(/\p{L}/gu)?.length ?? 0;
  if (letters < 0.6 * p.replace(/ /g, "").length) return null;
  const ascii = p.match(/[A-Za-z]/g)?.length ?? 0;
  if (ascii < 0.7 * letters) return null;
  if (words.length >= 12) {
    const fn = words.filter((w) => FUNCTION_WORDS.has(w.toLowerCase().replace(/[^a-z]/g, ""))).length;
    if (fn < 0.08 * words.length) return null;
  }
  return p;
}

const sha256 = (data) => createHash("sha256").update(data).digest("hex");
const countWords = (paragraphs) => paragraphs.reduce((n, p) => n + p.split(" ").length, 0);

// ---------------------------------------------------------------------------------------------------

function main() {
  const args = process.argv.slice(2);
  const cacheFlag = args.indexOf("--cache");
  const check = args.includes("--check");
  if (cacheFlag >= 0 && !args[cacheFlag + 1]) fail("--cache: expected a directory");
  const unknown = args.filter((a, i) => !["--cache", "--check"].includes(a) && (cacheFlag < 0 || i !== cacheFlag + 1));
  if (unknown.length > 0) fail(`unknown argument ${unknown[0]}; usage: prepare-corpus.mjs [--cache DIR] [--check]`);
  const cache = cacheFlag >= 0 ? args[cacheFlag + 1] : join(homedir(), ".cache", "s3pet", "corpus");
  for (const tool of ["apt-get", "dpkg-deb"]) {
    try {
      execFileSync("which", [tool], { stdio: "ignore" });
    } catch {
      fail(`${tool}: not found; corpus preparation needs Debian's apt-get and dpkg-deb`);
    }
  }
  const debDir = join(cache, "debs");
  const textDir = join(cache, "text");
  mkdirSync(debDir, { recursive: true });
  mkdirSync(textDir, { recursive: true });

  const seen = new Set();
  const sources = [];
  for (const spec of SOURCES) {
    const packages = [];
    const dirs = [];
    for (const [name, version] of spec.packages) {
      const deb = fetchDeb(debDir, name, version);
      const dir = join(cache, "unpacked", name);
      if (!existsSync(dir)) {
        mkdirSync(dir, { recursive: true });
        execFileSync("dpkg-deb", ["-x", deb, dir]);
      }
      packages.push({ name, version, file: basename(deb), sha256: sha256(readFileSync(deb)) });
      dirs.push(dir);
    }
    const docs = [];
    let dropped = 0;
    let duplicates = 0;
    for (const [i, doc] of spec.extract(dirs).entries()) {
      const paragraphs = [];
      for (const raw of doc.paragraphs) {
        const p = cleanParagraph(raw);
        if (p === null) {
          dropped++;
          continue;
        }
        const key = p.toLowerCase();
        if (seen.has(key)) {
          duplicates++;
          continue;
        }
        seen.add(key);
        paragraphs.push(p);
      }
      if (paragraphs.length > 0) docs.push({ id: doc.id, heldOut: i % HELD_OUT_EVERY === HELD_OUT_EVERY - 1, paragraphs });
    }
    const file = join(textDir, `${spec.name}.jsonl`);
    const contents = docs.map((d) => JSON.stringify(d)).join("\n") + "\n";
    writeAtomic(file, contents);
    const held = docs.filter((d) => d.heldOut);
    sources.push({
      name: spec.name,
      registry: "debian",
      description: spec.description,
      packages,
      license: spec.license,
      documents: docs.length,
      heldOutDocuments: held.length,
      paragraphs: docs.reduce((n, d) => n + d.paragraphs.length, 0),
      droppedParagraphs: dropped,
      duplicateParagraphs: duplicates,
      words: docs.reduce((n, d) => n + countWords(d.paragraphs), 0),
      heldOutWords: held.reduce((n, d) => n + countWords(d.paragraphs), 0),
      characters: docs.reduce((n, d) => n + d.paragraphs.reduce((m, p) => m + p.length, 0), 0),
      file: `text/${spec.name}.jsonl`,
      bytes: Buffer.byteLength(contents),
      sha256: sha256(contents),
    });
    process.stdout.write(`${spec.name.padEnd(10)} ${String(docs.length).padStart(5)} documents ${sources.at(-1).words.toLocaleString("en-US").padStart(11)} words\n`);
  }
  const manifest = {
    command: "node tools/corpus/prepare-corpus.mjs",
    heldOutRule: `every ${HELD_OUT_EVERY}th document of each source (the 25th, 50th, ...), in extraction order`,
    cleaning:
      "source markup stripped (dictd pronunciations, etymologies and source tags, POD and reStructuredText markup, verse numbers; code blocks and directives dropped); whitespace collapsed; paragraphs dropped when under 4 words, under 60% letters, or not English (12+ words with under 8% English function words, or under 70% ASCII letters among letters); exact duplicates (case-insensitive) dropped across the corpus, the first kept",
    words: sources.reduce((n, s) => n + s.words, 0),
    sources,
  };
  const text = JSON.stringify(manifest, null, 2) + "\n";
  if (check) {
    const committed = JSON.parse(read(COMMITTED_MANIFEST));
    const differing = sources.filter((s) => committed.sources.find((c) => c.name === s.name)?.sha256 !== s.sha256).map((s) => s.name);
    if (differing.length > 0) fail(`${differing.join(", ")}: output differs from tools/corpus/corpus-manifest.json`);
    process.stdout.write("every source matches tools/corpus/corpus-manifest.json\n");
  } else {
    writeAtomic(COMMITTED_MANIFEST, text);
  }
  writeAtomic(join(cache, "manifest.json"), text);
  process.stdout.write(`${manifest.words.toLocaleString("en-US")} words in ${cache}\n`);
}

/** The .deb of `name` at exactly `version`, downloaded once into `dir`. */
function fetchDeb(dir, name, version) {
  const prefix = `${name}_${version.replace(/:/g, "%3a")}_`; // apt-get spells the epoch colon %3a
  const find = () => readdirSync(dir).find((f) => f.startsWith(prefix) && f.endsWith(".deb"));
  if (!find()) {
    try {
      execFileSync("apt-get", ["download", `${name}=${version}`], { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
    } catch (error) {
      fail(`${name}=${version}: apt-get download failed (${String(error.stderr ?? error).trim().split("\n").pop()}); run apt-get update, or pin the version apt-cache policy ${name} shows`);
    }
  }
  const file = find();
  if (!file) fail(`${name}=${version}: downloaded, but no ${prefix}*.deb in ${dir}`);
  return join(dir, file);
}

function writeAtomic(file, contents) {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(`${file}.tmp`, contents);
  renameSync(`${file}.tmp`, file);
}

function fail(message) {
  process.stderr.write(`prepare-corpus: ${message}\n`);
  process.exit(2);
}

main();
