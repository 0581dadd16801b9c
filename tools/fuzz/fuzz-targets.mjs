// The fuzz targets of S3PET's front door: seeded fast-check mutations of the files and flags a user
// hands it, driven through the real (built) loaders and CLI. The one property: every case either
// succeeds or fails as bad input (S3petInputError in process, exit 2 from the CLI) with a single line
// of bounded length, within a time and memory bound. Anything else (another exception, exit 1, a
// crash, a signal, a hang, a multi-line or megabyte message) is a finding.
// Used by tools/fuzz/fuzz.test.mjs (a few hundred cases in `npm test`) and tools/fuzz/run-fuzz.mjs
// (the long mode whose counts are in docs/BENCHMARKS.md).
import { spawn } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { acquireRunLock, initBackend, openSafetensors, S3petInputError } from "@s3pet/core";
import { loadTask } from "@s3pet/data";
import { checkTokenizerFits, encodeBatch, loadPretrained, loadTokenizer, readBertConfig } from "@s3pet/models";

export const ROOT = new URL("../../", import.meta.url).pathname;
export const BIN = join(ROOT, "packages/cli/dist/bin.js");
export const TINY_MODEL = join(ROOT, "packages/models/test-fixtures/tiny-bert-hf");
/** Longest accepted error line: a message must name the input and the fix, not dump it. */
export const MAX_MESSAGE_CHARS = 2000;
/**
 * Per-case bounds: CPU time of an in-process case (CPU, not wall time, so a busy shared machine does
 * not turn into findings), wall time after which a real process counts as hung, and resident memory.
 */
export const CASE_MS = { loader: 5_000, cli: 30_000, hang: 300_000 };
export const MAX_RSS_MB = 2_048;

// ---------------------------------------------------------------- mutations

/** One edit of a byte string; positions are taken modulo the length, so any nat is valid. */
const byteEdit = fc.oneof(
  // Mostly in-place byte changes (the file keeps its layout), sometimes structural ones.
  { weight: 6, arbitrary: fc.record({ op: fc.constant("set"), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }) },
  fc.record({ op: fc.constant("insert"), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
  fc.record({ op: fc.constant("delete"), at: fc.nat(), count: fc.integer({ min: 1, max: 16 }) }),
  fc.record({ op: fc.constant("truncate"), at: fc.nat() }),
  fc.record({ op: fc.constant("repeat"), at: fc.nat(), count: fc.integer({ min: 1, max: 64 }) }),
);

/** `edits` applied to `bytes`; edits can be aimed at the first `focus` bytes (a header) or anywhere. */
export function applyByteEdits(bytes, edits, focus = bytes.length) {
  let b = Buffer.from(bytes);
  for (const e of edits) {
    const span = Math.max(1, e.focus ? Math.min(focus, b.length) : b.length);
    const at = e.edit.at % span;
    switch (e.edit.op) {
      case "set":
        if (b.length > 0) b[at] = e.edit.byte;
        break;
      case "insert":
        b = Buffer.concat([b.subarray(0, at), Buffer.from(e.edit.bytes), b.subarray(at)]);
        break;
      case "delete":
        b = Buffer.concat([b.subarray(0, at), b.subarray(at + e.edit.count)]);
        break;
      case "truncate":
        b = b.subarray(0, at);
        break;
      case "repeat":
        b = Buffer.concat([b.subarray(0, at + e.edit.count), b.subarray(at)]);
        break;
    }
  }
  return b;
}

/** `arbitrary` in about `share` of the cases, else null (fc.option's freq counts the other way). */
const sometimes = (arbitrary, share) =>
  fc.oneof({ weight: Math.round(share * 100), arbitrary }, { weight: Math.round((1 - share) * 100), arbitrary: fc.constant(null) });

const byteEdits = fc.array(fc.record({ focus: fc.boolean(), edit: byteEdit }), { minLength: 1, maxLength: 4 });

/** JSON values a config or header field may be set to: edge numbers, wrong types, huge values. */
const oddJson = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(0, -1, 1, 2, 3, 1e9, 1e5, 2 ** 53, -(2 ** 31), 0.5, 1e-300, null, "", "abc", true, [], {}, [1, 2], "gelu", "F32", "BF16", "I64") },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  { weight: 1, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.double() },
);

/** Edits of a JSON object: set, delete or rename keys (a path of up to 2 keys), or add new ones. */
const jsonEdit = fc.oneof(
  fc.record({ op: fc.constant("set"), key: fc.nat(), sub: fc.option(fc.nat()), value: oddJson }),
  fc.record({ op: fc.constant("delete"), key: fc.nat(), sub: fc.option(fc.nat()) }),
  fc.record({ op: fc.constant("add"), name: fc.string({ maxLength: 12 }), value: oddJson }),
);

export function applyJsonEdits(object, edits) {
  const o = structuredClone(object);
  for (const e of edits) {
    if (e.op === "add") {
      o[e.name] = e.value;
      continue;
    }
    const keys = Object.keys(o);
    if (keys.length === 0) continue;
    const key = keys[e.key % keys.length];
    let target = o;
    let name = key;
    if (e.sub !== null && o[key] !== null && typeof o[key] === "object" && !Array.isArray(o[key])) {
      const inner = Object.keys(o[key]);
      if (inner.length > 0) {
        target = o[key];
        name = inner[e.sub % inner.length];
      }
    }
    if (e.op === "delete") delete target[name];
    else target[name] = e.value;
  }
  return o;
}

const jsonEdits = fc.array(jsonEdit, { minLength: 1, maxLength: 4 });

// ---------------------------------------------------------------- outcomes

/** Runs one in-process case: "ok", "input-error" (one bounded line), or throws a finding. */
export async function inProcessOutcome(run) {
  try {
    await run();
    return { outcome: "ok" };
  } catch (error) {
    if (!(error instanceof S3petInputError)) throw finding(`not an input error: ${error?.stack ?? error}`);
    checkLine(error.message);
    return { outcome: "input-error", message: error.message };
  }
}

function checkLine(message) {
  if (message.includes("\n")) throw finding(`message spans several lines: ${message.slice(0, 300)}`);
  if (message.length > MAX_MESSAGE_CHARS) throw finding(`message of ${message.length} chars: ${message.slice(0, 300)}…`);
  if (message.trim() === "") throw finding("empty message");
}

function finding(text) {
  return Object.assign(new Error(text), { finding: true });
}

// ---------------------------------------------------------------- targets

const FIXTURE = {
  safetensors: readFileSync(join(TINY_MODEL, "model.safetensors")),
  config: JSON.parse(readFileSync(join(TINY_MODEL, "config.json"), "utf8")),
  vocab: readFileSync(join(TINY_MODEL, "vocab.txt")),
  tokenizerConfig: JSON.parse(readFileSync(join(TINY_MODEL, "tokenizer_config.json"), "utf8")),
};
const HEADER_BYTES = 8 + Number(FIXTURE.safetensors.readBigUInt64LE(0));

function scratchModel(scratch) {
  const dir = join(scratch, "model");
  rmSync(dir, { recursive: true, force: true });
  cpSync(TINY_MODEL, dir, { recursive: true });
  rmSync(join(dir, "reference.json"));
  return dir;
}

/** Reads every tensor the way the backbone loader does, then the whole checkpoint. */
function loadCheckpoint(dir) {
  const file = openSafetensors(join(dir, "model.safetensors"));
  try {
    for (const name of file.names()) file.readFloat32(name);
  } finally {
    file.close();
  }
  loadPretrained(dir).model.dispose();
}

/** Every target: a name, an arbitrary of its mutation, and a case runner (scratch dir, mutation). */
export const LOADER_TARGETS = [
  {
    name: "safetensors bytes",
    arbitrary: fc.record({
      edits: byteEdits,
      // Some cases poison one float in the data with NaN or Inf instead of random bytes.
      poison: sometimes(fc.record({ at: fc.nat(), value: fc.constantFrom(NaN, Infinity, -Infinity) }), 0.2),
    }),
    run: (scratch, m) => {
      const dir = scratchModel(scratch);
      let bytes = applyByteEdits(FIXTURE.safetensors, m.edits, HEADER_BYTES);
      if (m.poison) {
        bytes = Buffer.from(FIXTURE.safetensors);
        const floats = (bytes.length - HEADER_BYTES) >> 2;
        bytes.writeFloatLE(m.poison.value, HEADER_BYTES + 4 * (m.poison.at % floats));
      }
      writeFileSync(join(dir, "model.safetensors"), bytes);
      loadCheckpoint(dir);
    },
  },
  {
    name: "safetensors header",
    arbitrary: fc.record({ edits: jsonEdits, lengthDelta: sometimes(fc.integer({ min: -64, max: 64 }), 0.2) }),
    run: (scratch, m) => {
      const dir = scratchModel(scratch);
      const header = JSON.parse(FIXTURE.safetensors.subarray(8, HEADER_BYTES).toString("utf8"));
      const text = Buffer.from(JSON.stringify(applyJsonEdits(header, m.edits)), "utf8");
      const prefix = Buffer.alloc(8);
      prefix.writeBigUInt64LE(BigInt(Math.max(0, text.length + (m.lengthDelta ?? 0))));
      writeFileSync(join(dir, "model.safetensors"), Buffer.concat([prefix, text, FIXTURE.safetensors.subarray(HEADER_BYTES)]));
      loadCheckpoint(dir);
    },
  },
  {
    name: "config.json",
    arbitrary: fc.oneof(fc.record({ json: jsonEdits }), fc.record({ bytes: byteEdits })),
    run: (scratch, m) => {
      const dir = scratchModel(scratch);
      const text = m.json ? JSON.stringify(applyJsonEdits(FIXTURE.config, m.json)) : applyByteEdits(Buffer.from(JSON.stringify(FIXTURE.config)), m.bytes);
      writeFileSync(join(dir, "config.json"), text);
      loadCheckpoint(dir);
    },
  },
  {
    name: "tokenizer files",
    arbitrary: fc.record({
      vocab: sometimes(byteEdits, 0.3),
      lines: sometimes(fc.array(fc.record({ op: fc.constantFrom("dup", "drop", "bom", "append"), at: fc.nat(), token: fc.string({ maxLength: 8 }) }), { minLength: 1, maxLength: 4 }), 0.3),
      config: sometimes(jsonEdits, 0.3),
      text: fc.string({ maxLength: 200, unit: "binary" }),
      maxLength: fc.integer({ min: 2, max: 80 }),
    }),
    run: (scratch, m) => {
      const dir = scratchModel(scratch);
      let vocab = Buffer.from(FIXTURE.vocab);
      if (m.vocab) vocab = applyByteEdits(vocab, m.vocab);
      if (m.lines) {
        const lines = vocab.toString("utf8").split("\n");
        for (const e of m.lines) {
          const at = e.at % lines.length;
          if (e.op === "dup") lines.splice(at, 0, lines[at]);
          else if (e.op === "drop") lines.splice(at, 1);
          else if (e.op === "bom") lines[0] = `\uFEFF${lines[0]}`;
          else lines.push(e.token);
        }
        vocab = Buffer.from(lines.join("\n"), "utf8");
      }
      writeFileSync(join(dir, "vocab.txt"), vocab);
      if (m.config) writeFileSync(join(dir, "tokenizer_config.json"), JSON.stringify(applyJsonEdits(FIXTURE.tokenizerConfig, m.config)));
      const tokenizer = loadTokenizer(dir);
      checkTokenizerFits(tokenizer, readBertConfig(dir), dir);
      encodeBatch(tokenizer, [{ text: m.text, pair: null }, { text: "a short one", pair: m.text }], { maxLength: m.maxLength });
    },
  },
  {
    name: "dataset rows",
    arbitrary: fc.record({
      format: fc.constantFrom("jsonl", "csv", "tsv"),
      rows: fc.array(
        fc.record({
          text: fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom("", "a,b", 'say "hi"', "tab\there", "line\nbreak")),
          label: fc.oneof({ weight: 4, arbitrary: fc.constantFrom("spam", "ham") }, { weight: 1, arbitrary: oddJson }),
          drop: fc.boolean(),
        }),
        { minLength: 0, maxLength: 30 },
      ),
      bytes: sometimes(byteEdits, 0.3),
      kind: fc.constantFrom(undefined, "classification", "regression"),
    }),
    run: (scratch, m) => {
      const dir = join(scratch, "task");
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir);
      const base = [...m.rows, ...Array.from({ length: 6 }, (_, i) => ({ text: `row ${i}`, label: i % 2 ? "spam" : "ham", drop: false }))];
      const text = renderRows(m.format, base);
      writeFileSync(join(dir, `train.${m.format}`), m.bytes ? applyByteEdits(Buffer.from(text, "utf8"), m.bytes) : text);
      loadTask(dir, { seed: 0, ...(m.kind ? { kind: m.kind } : {}) });
    },
  },
];

function renderRows(format, rows) {
  if (format === "jsonl") {
    return rows.map((r) => JSON.stringify(r.drop ? { text: r.text } : { text: r.text, label: r.label })).join("\n");
  }
  const sep = format === "csv" ? "," : "\t";
  const cell = (v) => {
    const s = typeof v === "string" ? v : JSON.stringify(v) ?? "";
    return format === "csv" && /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [`text${sep}label`, ...rows.map((r) => (r.drop ? cell(r.text) : `${cell(r.text)}${sep}${cell(r.label)}`))].join("\n");
}

// ---------------------------------------------------------------- the CLI

/** Flag names of a command with value examples; unknown names and odd values are mixed in. */
const FLAG_NAMES = [
  "--budget", "--methods", "--epochs", "--batch-size", "--lr", "--max-length", "--max-examples", "--seed", "--task", "--model",
  "--structure", "--ui", "--json", "--count-head", "--include", "--exclude", "--config", "--lora.rank", "--lora.alpha",
  "--adapter.size", "--prefix.length", "--text-field", "--label-field", "--task-kind", "--metric", "--resume", "--budgte", "-x", "--",
];
const FLAG_VALUES = [
  "", "-5", "0", "1", "3", "abc", "1%", "0.5%", "150%", "1e9", "NaN", "Infinity", "null", "lora", "lora,bitfit", "dora", "full", "random",
  "tui", "plain", "json", "bogus", "regression", "classification", "/dev/null", "/nonexistent", "spam", "glue:rte:/nonexistent",
  TINY_MODEL, join(TINY_MODEL, "config.json"), "encoder.layer.0", "attention.self.query", "ü", "x".repeat(300),
];
export const flagVector = fc.array(
  fc.oneof(
    { weight: 3, arbitrary: fc.tuple(fc.constantFrom(...FLAG_NAMES), fc.constantFrom(...FLAG_VALUES)).map(([n, v]) => [n, v]) },
    { weight: 1, arbitrary: fc.constantFrom(...FLAG_NAMES).map((n) => [n]) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...FLAG_NAMES), fc.string({ maxLength: 12 })).map(([n, v]) => [n, v]) },
  ),
  { minLength: 0, maxLength: 6 },
).map((pairs) => pairs.flat());
export const commandName = fc.constantFrom("search", "train");

/**
 * argv for one CLI case. The tiny model and a few examples come first (the vector overrides them);
 * `--out` last names a directory this process holds the lock of, so every vector that passes all the
 * checks stops at the lock (exit 2) instead of training: the checks are the point, not the run.
 */
export function cliArgv(command, vector, lockedOut) {
  const withoutResume = vector.filter((a) => a !== "--resume");
  return [command, "--model", TINY_MODEL, "--max-examples", "16", "--max-length", "16", "--ui", "plain", ...withoutResume, "--out", lockedOut];
}

/** A directory that only the calling process may write (its lock is live while this process runs). */
export function lockedRunDir(scratch) {
  const dir = join(scratch, "locked-run");
  mkdirSync(dir, { recursive: true });
  return { dir, lock: acquireRunLock(dir, "fuzz") };
}

/** The in-process CLI: the built runCli with the real commands and a captured stdout/stderr. */
export async function runCliInProcess(argv, cwd) {
  const { runCli } = await import(join(ROOT, "packages/cli/dist/cli/run-cli.js"));
  const { COMMANDS } = await import(join(ROOT, "packages/cli/dist/commands/index.js"));
  let stdout = "";
  let stderr = "";
  const io = { stdout: { write: (s) => (stdout += s) }, stderr: { write: (s) => (stderr += s) }, env: {}, cwd };
  const code = await runCli(argv, io, COMMANDS);
  return { code, stdout, stderr };
}

/** The CLI as a real process, killed after `timeoutMs` (a hang). */
export function runCliProcess(argv, cwd, timeoutMs = CASE_MS.hang) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...argv], { cwd, env: { ...process.env, FORCE_COLOR: "0" }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (c) => (stdout += c));
    child.stderr.setEncoding("utf8").on("data", (c) => (stderr += c));
    let hung = false;
    const timer = setTimeout(() => {
      hung = true;
      child.kill("SIGKILL");
    }, timeoutMs);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, hung });
    });
  });
}

/** Checks a CLI outcome: exit 0, or exit 2 with one bounded line on stderr. Throws a finding otherwise. */
export function checkCliOutcome(argv, r) {
  if (r.hung) throw finding(`hang: s3pet ${argv.join(" ")}`);
  if (r.signal) throw finding(`killed by ${r.signal}: s3pet ${argv.join(" ")}`);
  if (r.code === 0) return { outcome: "ok" };
  if (r.code !== 2) throw finding(`exit ${r.code}: s3pet ${argv.join(" ")}\n${r.stderr.slice(0, 2000)}`);
  const lines = r.stderr.split("\n").filter((l) => l !== "");
  if (lines.length !== 1) throw finding(`exit 2 with ${lines.length} lines: s3pet ${argv.join(" ")}\n${r.stderr.slice(0, 2000)}`);
  checkLine(lines[0]);
  return { outcome: "input-error", message: lines[0] };
}

// ---------------------------------------------------------------- driver

/**
 * Runs `cases` seeded cases of each target and returns the counts; a finding stops its target (fast-check
 * shrinks it) and is reported with the seed and counterexample. `cli` cases run in process; `processes`
 * more run as real child processes.
 */
export async function fuzz({ seed, cases, cliCases = 0, processCases = 0, log = () => {} }) {
  await initBackend();
  const scratch = mkdtempSync(join(tmpdir(), "s3pet-fuzz-"));
  const results = [];
  const peak = { rssMB: 0 };
  const measure = async (name, arbitrary, check, numRuns) => {
    const counts = { target: name, cases: 0, ok: 0, inputError: 0, findings: 0, maxMs: 0, maxCpuMs: 0 };
    const started = performance.now();
    const property = fc.asyncProperty(arbitrary, async (m) => {
      const t0 = performance.now();
      const cpu0 = process.cpuUsage();
      const r = await check(m);
      const ms = performance.now() - t0;
      const cpu = process.cpuUsage(cpu0);
      const cpuMs = (cpu.user + cpu.system) / 1000;
      counts.cases++;
      counts.maxMs = Math.max(counts.maxMs, Math.round(ms));
      counts.maxCpuMs = Math.max(counts.maxCpuMs, Math.round(cpuMs));
      if (r.outcome === "ok") counts.ok++;
      else counts.inputError++;
      const rssMB = process.memoryUsage().rss / 2 ** 20;
      peak.rssMB = Math.max(peak.rssMB, Math.round(rssMB));
      if (rssMB > MAX_RSS_MB) throw finding(`resident memory ${Math.round(rssMB)} MB after the case`);
      if (cpuMs > (r.bound ?? CASE_MS.loader)) throw finding(`case took ${Math.round(cpuMs)} ms of CPU`);
    });
    const details = await fc.check(property, { seed, numRuns, endOnFailure: true });
    if (details.failed) {
      counts.findings = 1;
      counts.counterexample = JSON.stringify(details.counterexample, (_, v) => (v instanceof Uint8Array ? Array.from(v) : typeof v === "bigint" ? String(v) : v)).slice(0, 2000);
      counts.error = String(details.errorInstance?.message ?? details.error).slice(0, 2000);
    }
    counts.seconds = Math.round((performance.now() - started) / 100) / 10;
    log(counts);
    results.push(counts);
  };
  try {
    for (const target of LOADER_TARGETS) {
      await measure(target.name, target.arbitrary, (m) => inProcessOutcome(() => target.run(scratch, m)), cases);
    }
    const { dir: lockedOut, lock } = lockedRunDir(scratch);
    try {
      if (cliCases > 0) {
        await measure("CLI flags (in process)", fc.tuple(commandName, flagVector), async ([command, vector]) => {
          const argv = cliArgv(command, vector, lockedOut);
          return { ...checkCliOutcome(argv, await runCliInProcess(argv, scratch)), bound: CASE_MS.cli };
        }, cliCases);
      }
      if (processCases > 0) {
        await measure("CLI flags (real processes)", fc.tuple(commandName, flagVector), async ([command, vector]) => {
          const argv = cliArgv(command, vector, lockedOut);
          return { ...checkCliOutcome(argv, await runCliProcess(argv, scratch)), bound: CASE_MS.hang };
        }, processCases);
      }
    } finally {
      lock.release();
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return { seed, results, peakRssMB: peak.rssMB };
}
