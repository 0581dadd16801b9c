// Every bad input a hostile but realistic user tried, one row each, through the real CLI (in process,
// real files): exit 2, one line on stderr naming the input and the fix, nothing on stdout, and nothing
// written (no run directory, an existing --out untouched). Two concurrent writers and a killed run under
// `watch` need real processes: e2e/tests/run-lock.test.ts.
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { acquireRunLock } from "@s3pet/core";
import type { CommandIo } from "./command.js";
import { runCli } from "./run-cli.js";
import { COMMANDS } from "../commands/index.js";

const TINY = new URL("../../../models/test-fixtures/tiny-bert-hf/", import.meta.url).pathname.replace(/\/$/, "");
const root = mkdtempSync(join(tmpdir(), "s3pet-bad-input-"));
const QUICK = ["--max-examples", "16", "--max-length", "16", "--ui", "plain"];

async function cli(argv: string[]) {
  let stdout = "";
  let stderr = "";
  const io: CommandIo = { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) }, env: {}, cwd: root };
  return { code: await runCli(argv, io, COMMANDS), stdout, stderr };
}

let n = 0;
/** A fresh path that must still not exist after the case. */
const freshOut = () => join(root, `out-${++n}`);

/** A copy of the tiny model with `edit` applied to it. */
function model(edit: (dir: string) => void): string {
  const dir = join(root, `model-${++n}`);
  cpSync(TINY, dir, { recursive: true });
  edit(dir);
  return dir;
}
const editConfig = (change: (c: Record<string, unknown>) => void) =>
  model((dir) => {
    const c = JSON.parse(readFileSync(join(dir, "config.json"), "utf8")) as Record<string, unknown>;
    change(c);
    writeFileSync(join(dir, "config.json"), JSON.stringify(c));
  });
/** The tiny model with one float of `tensor`'s data overwritten. */
function poisoned(value: number): string {
  return model((dir) => {
    const path = join(dir, "model.safetensors");
    const bytes = readFileSync(path);
    const headerLength = Number(bytes.readBigUInt64LE(0));
    const header = JSON.parse(bytes.subarray(8, 8 + headerLength).toString("utf8")) as Record<string, { data_offsets: [number, number] }>;
    bytes.writeFloatLE(value, 8 + headerLength + header["encoder.layer.1.output.dense.weight"]!.data_offsets[0] + 12);
    writeFileSync(path, bytes);
  });
}
/** The tiny model with 8 unused bytes between two tensors (offsets of the later ones shifted). */
function withGap(): string {
  return model((dir) => {
    const path = join(dir, "model.safetensors");
    const bytes = readFileSync(path);
    const headerLength = Number(bytes.readBigUInt64LE(0));
    const header = JSON.parse(bytes.subarray(8, 8 + headerLength).toString("utf8")) as Record<string, { data_offsets?: [number, number] }>;
    const entries = Object.entries(header).filter(([k]) => k !== "__metadata__").sort((a, b) => a[1].data_offsets![0] - b[1].data_offsets![0]);
    const cut = entries[1]![1].data_offsets![0];
    for (const [, e] of entries.slice(1)) e.data_offsets = [e.data_offsets![0] + 8, e.data_offsets![1] + 8];
    let text = JSON.stringify(header);
    text += " ".repeat((8 - (text.length % 8)) % 8);
    const prefix = Buffer.alloc(8);
    prefix.writeBigUInt64LE(BigInt(text.length));
    const data = bytes.subarray(8 + headerLength);
    writeFileSync(path, Buffer.concat([prefix, Buffer.from(text), data.subarray(0, cut), Buffer.alloc(8), data.subarray(cut)]));
  });
}
const editVocab = (change: (lines: string[]) => string[]) =>
  model((dir) => writeFileSync(join(dir, "vocab.txt"), change(readFileSync(join(dir, "vocab.txt"), "utf8").trimEnd().split("\n")).join("\n") + "\n"));

/** A custom task directory with `train` as train.jsonl (or the given file name) and a small test.jsonl. */
function task(train: string | Buffer, file = "train.jsonl"): string {
  const dir = join(root, `task-${++n}`);
  mkdirSync(dir);
  writeFileSync(join(dir, file), train);
  const rows = Array.from({ length: 8 }, (_, i) => JSON.stringify({ text: `test ${i}`, label: i % 2 ? "spam" : "ham" }));
  writeFileSync(join(dir, "test.jsonl"), rows.join("\n"));
  return dir;
}
const rows = (count: number, label: (i: number) => unknown) => Array.from({ length: count }, (_, i) => JSON.stringify({ text: `message ${i}`, label: label(i) })).join("\n");

function structureFile(modules: { site: string; method: string; options: object; params: number }[]): string {
  const path = join(root, `structure-${++n}.json`);
  writeFileSync(path, JSON.stringify({ structure: modules }));
  return path;
}
const bitfit = (site: string) => ({ site, method: "bitfit", options: {}, params: 32 });

interface Row {
  readonly name: string;
  /** argv; `out` is a fresh --out that must not exist afterwards. */
  readonly argv: (out: string) => string[];
  readonly error: RegExp;
  /** A directory that must keep exactly its entries. */
  readonly untouched?: () => string;
}

const fileOut = join(root, "a-file");
writeFileSync(fileOut, "not a directory");
const nonRun = join(root, "notes");
mkdirSync(nonRun);
writeFileSync(join(nonRun, "todo.txt"), "mine");
const lockedOut = join(root, "locked");
mkdirSync(lockedOut);
const lock = acquireRunLock(lockedOut, "search"); // held by this (live) process
afterAll(() => lock.release());

const ROWS: Row[] = [
  // checks before allocation: config.json
  { name: "num_hidden_layers 10^9", argv: (out) => ["search", "--model", editConfig((c) => (c.num_hidden_layers = 1e9)), ...QUICK, "--out", out], error: /config\.json: num_hidden_layers 1000000000 is out of range \(at most 256\); check that config\.json belongs to the weights$/ },
  { name: "num_hidden_layers 10^5", argv: (out) => ["search", "--model", editConfig((c) => (c.num_hidden_layers = 1e5)), ...QUICK, "--out", out], error: /num_hidden_layers 100000 is out of range/ },
  { name: "config.json without hidden_size", argv: (out) => ["search", "--model", editConfig((c) => delete c.hidden_size), ...QUICK, "--out", out], error: /config\.json: missing hidden_size; a Hugging Face config\.json states the architecture/ },
  { name: "config.json without num_attention_heads", argv: (out) => ["train", "--model", editConfig((c) => delete c.num_attention_heads), ...QUICK, "--out", out], error: /config\.json: missing num_attention_heads;/ },
  // bad weights
  { name: "NaN in model.safetensors (search)", argv: (out) => ["search", "--model", poisoned(NaN), ...QUICK, "--out", out], error: /model\.safetensors: tensor 'encoder\.layer\.1\.output\.dense\.weight' holds NaN at index 3; the checkpoint is corrupt, re-download or re-save it$/ },
  { name: "Inf in model.safetensors (encode)", argv: () => ["encode", "--model", poisoned(Infinity), "--text", "hello"], error: /tensor 'encoder\.layer\.1\.output\.dense\.weight' holds Infinity at index 3/ },
  { name: "safetensors with a gap between tensors", argv: (out) => ["search", "--model", withGap(), ...QUICK, "--out", out], error: /model\.safetensors: 8 unused byte\(s\) before tensor '.+'.*the format forbids gaps, re-save the file$/ },
  // checks before the run directory exists: tokenizer vs config, flags vs model
  { name: "--max-length beyond the positions", argv: (out) => ["search", "--model", TINY, ...QUICK, "--max-length", "100", "--out", out], error: /--max-length 100 is beyond the 64 positions of .*tiny-bert-hf \(max_position_embeddings in its config\.json\); pass --max-length 64 or less$/ },
  { name: "vocab.txt longer than vocab_size", argv: (out) => ["search", "--model", editVocab((l) => [...l, "extra1", "extra2"]), ...QUICK, "--out", out], error: /vocab\.txt has 162 tokens but config\.json's vocab_size is 160; use the tokenizer saved with these weights$/ },
  { name: "vocab.txt with a duplicate token", argv: (out) => ["search", "--model", editVocab((l) => [...l.slice(0, 150), l[120]!, ...l.slice(151)]), ...QUICK, "--out", out], error: /vocab\.txt: token '.+' is on lines 121 and 151; each token must appear once \(remove the duplicate line\)$/ },
  { name: "vocab.txt with a BOM", argv: (out) => ["search", "--model", editVocab((l) => [`\uFEFF${l[0]}`, ...l.slice(1)]), ...QUICK, "--out", out], error: /vocab\.txt: starts with a byte-order mark \(BOM\); save it as UTF-8 without BOM/ },
  { name: "--micro-batch-size many", argv: (out) => ["train", "--model", TINY, ...QUICK, "--micro-batch-size", "many", "--out", out], error: /^s3pet train: --micro-batch-size must be an integer >= 1 or auto, got 'many'$/ },
  { name: "--micro-batch-size too large for the heap", argv: (out) => ["search", "--model", TINY, ...QUICK, "--batch-size", "300000", "--micro-batch-size", "300000", "--workers", "1", "--out", out], error: /^s3pet search: this search needs about [\d.]+ GiB per worker but a worker has [\d.]+ GiB .*; use --micro-batch-size \d+, or a smaller --max-length/ },
  // the output directory
  { name: "--out is a file", argv: () => ["search", "--model", TINY, ...QUICK, "--out", fileOut], error: /--out .*a-file: is a file, not a directory; choose a new or empty directory for --out$/ },
  { name: "--out /dev/null", argv: () => ["search", "--model", TINY, ...QUICK, "--out", "/dev/null"], error: /^s3pet search: --out \/dev\/null: is a file, not a directory/ },
  { name: "--out below a file", argv: () => ["train", "--model", TINY, ...QUICK, "--out", join(fileOut, "run")], error: /--out .*a-file\/run: cannot use this directory \(ENOTDIR\): a part of this path is a file, not a directory; choose another path$/ },
  { name: '--out ""', argv: () => ["search", "--model", TINY, ...QUICK, "--out", ""], error: /^s3pet search: --out is empty; pass a directory for the run \(e\.g\. --out runs\/my-run\)$/ },
  { name: "--out a non-empty directory that is not a run", argv: () => ["search", "--model", TINY, ...QUICK, "--out", nonRun], error: /--out .*notes: is not empty and holds no run; choose a new or empty directory for --out$/, untouched: () => nonRun },
  { name: "--out a run another process writes", argv: () => ["search", "--model", TINY, ...QUICK, "--out", lockedOut], error: new RegExp(`'${lockedOut}' is in use by s3pet search \\(pid ${process.pid} on .+\\); wait for it to finish or stop it`), untouched: () => lockedOut },
  { name: "pretrain into a directory another process writes", argv: () => ["pretrain", "--out", lockedOut, "--steps", "1", "--layers", "1", "--hidden", "32", "--corpus", "none"], error: /^s3pet pretrain: '.*locked' is in use by s3pet search/, untouched: () => lockedOut },
  // flag values, each read by its declaration
  { name: "--ui bogus", argv: (out) => ["search", "--model", TINY, "--max-examples", "16", "--ui", "bogus", "--out", out], error: /^s3pet search: --ui must be one of tui, plain, json, got 'bogus'$/ },
  { name: "--budget -5", argv: (out) => ["search", "--model", TINY, ...QUICK, "--budget", "-5", "--out", out], error: /^s3pet search: --budget must be a positive number of parameters \(12000\) or a percentage \(0\.1%\), got '-5'$/ },
  { name: "--lora.rank abc", argv: (out) => ["search", "--model", TINY, ...QUICK, "--lora.rank", "abc", "--out", out], error: /^s3pet search: lora: rank must be an integer >= 1, got 'abc' \(set --lora\.rank\)$/ },
  // structure files
  { name: "a bad method option inside structure.json", argv: (out) => ["train", "--model", TINY, ...QUICK, "--structure", structureFile([{ site: "encoder.layer.0.attention.self.query", method: "lora", options: { rank: 0 }, params: 1 }]), "--out", out], error: /^s3pet train: .*structure-\d+\.json: module 0: lora: rank must be an integer >= 1, got 0 \(fix it in that file\)$/ },
  { name: "structure.json listing a module twice", argv: (out) => ["train", "--model", TINY, ...QUICK, "--structure", structureFile([bitfit("encoder.layer.0.output.dense"), bitfit("encoder.layer.1.output.dense"), bitfit("encoder.layer.0.output.dense")]), "--out", out], error: /structure-\d+\.json: modules 0 and 2 both put bitfit on 'encoder\.layer\.0\.output\.dense'; list each module once$/ },
  { name: "an empty structure", argv: (out) => ["train", "--model", TINY, ...QUICK, "--structure", structureFile([]), "--out", out], error: /structure-\d+\.json: lists no modules; pass a structure with at least one, or --structure full for full fine-tuning$/ },
  // dataset rows
  { name: "a null label", argv: (out) => ["search", "--model", TINY, ...QUICK, "--task", task(`${rows(10, (i) => (i % 2 ? "spam" : "ham"))}\n{"text": "x", "label": null}`), "--out", out], error: /train\.jsonl:11: field 'label' is null; give it a value or remove the row$/ },
  { name: "float labels without --task-kind regression", argv: (out) => ["search", "--model", TINY, ...QUICK, "--task", task(rows(60, (i) => i / 17)), "--out", out], error: /train\.jsonl:2: label 0\.058\d* is a fractional number, not a class; pass --task-kind regression for numeric targets$/ },
  { name: "non-UTF-8 bytes in a dataset", argv: (out) => ["search", "--model", TINY, ...QUICK, "--task", task(Buffer.concat([Buffer.from("text,label\nhello,ham\ncaf"), Buffer.from([0xe9]), Buffer.from(",spam\n")]), "train.csv"), "--out", out], error: /train\.csv:3: bytes that are not UTF-8; convert the file to UTF-8/ },
  // other commands
  { name: "eval /nonexistent", argv: () => ["eval", "/nonexistent"], error: /^s3pet eval: \/nonexistent: no such directory; pass a run directory, a PEFT adapter or a merged checkpoint$/ },
  { name: "watch a directory that is not a run", argv: () => ["watch", nonRun, "--ui", "plain"], error: /notes' is not a run directory \(no run\.json or events\.jsonl\); pass a directory made by s3pet search or train/ },
];

describe("bad input table: exit 2, one line naming the input and the fix, nothing written", () => {
  it.each(ROWS.map((r) => [r.name, r] as const))("%s", async (_name, row) => {
    const out = freshOut();
    const before = row.untouched ? readdirSync(row.untouched()).sort() : null;
    const r = await cli(row.argv(out));
    expect(r.code, r.stderr).toBe(2);
    expect(r.stdout).toBe("");
    const lines = r.stderr.split("\n").filter((l) => l !== "");
    expect(lines, r.stderr).toHaveLength(1);
    expect(lines[0]!.length).toBeLessThan(500);
    expect(lines[0]).toMatch(row.error);
    expect(existsSync(out), `${out} was created`).toBe(false);
    if (before) expect(readdirSync(row.untouched!()).sort()).toEqual(before);
  });
});

/** Root can mount a tmpfs (a real read-only or full filesystem); elsewhere these two rows cannot be made. */
const canMount = process.getuid?.() === 0 && (() => {
  try {
    const probe = join(root, "mount-probe");
    mkdirSync(probe);
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", probe], { stdio: "ignore" });
    execFileSync("umount", [probe], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

describe.runIf(canMount)("bad input on real filesystems (tmpfs mounts)", () => {
  const mounted: string[] = [];
  afterAll(() => {
    for (const m of mounted) execFileSync("umount", [m], { stdio: "ignore" });
  });
  const mount = (options: string) => {
    const dir = join(root, `mnt-${++n}`);
    mkdirSync(dir);
    execFileSync("mount", ["-t", "tmpfs", "-o", options, "tmpfs", dir]);
    mounted.push(dir);
    return dir;
  };

  it("a read-only --out", async () => {
    const ro = mount("size=64k,ro");
    const r = await cli(["search", "--model", TINY, ...QUICK, "--out", join(ro, "run")]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/^s3pet search: --out .*\/run: cannot write in .*mnt-\d+ \(EROFS\): the filesystem is read-only; choose a path on a writable disk\n$/);
    expect(readdirSync(ro)).toEqual([]);
  });

  it("--out on a full disk", async () => {
    const full = mount("size=64k");
    try {
      writeFileSync(join(full, "filler"), Buffer.alloc(1 << 20));
    } catch (error) {
      expect((error as NodeJS.ErrnoException).code).toBe("ENOSPC");
    }
    const r = await cli(["search", "--model", TINY, ...QUICK, "--out", join(full, "run")]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/^s3pet search: --out .*\/run: the disk holding .*mnt-\d+ is full \(0 bytes free\); free some space or choose another disk\n$/);
    expect(existsSync(join(full, "run"))).toBe(false);
  });
});
