// `s3pet export` on runs trained on the embedded backbone (tiny settings): the PEFT adapter has PEFT's
// file layout, tensor names, shapes and config keys (docs/EXPORT.md) and scores like the run when read
// back; the merged checkpoint computes the adapter model's hidden states within 1e-4 and scores like it.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { GatedSiteCalls, loadSavedModules, openSafetensors, readPeftAdapter, readSavedHead, resolveOptions, savedModelOfRun, savedModelOfTensors, type EncodedBatch, type SavedModel } from "@s3pet/core";
import { createClassificationHead, encodeBatch, loadPretrained, loadTokenizer } from "@s3pet/models";
import { describe, expect, it } from "vitest";
import type { CommandIo } from "../cli/command.js";
import { runCli } from "../cli/run-cli.js";
import { selectMethods } from "../run/prepare-run.js";
import { COMMANDS } from "./index.js";

const BACKBONE = new URL("../../../../assets/backbone", import.meta.url).pathname;
const TINY = ["--max-examples", "32", "--max-length", "32", "--batch-size", "8", "--max-steps", "4", "--lr", "0.02"];
const EVAL = ["--task", "spam", "--max-examples", "32", "--max-length", "32"];
const dir = mkdtempSync(join(tmpdir(), "s3pet-export-"));

async function run(argv: string[]) {
  let stdout = "";
  let stderr = "";
  const io: CommandIo = { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) }, env: {}, cwd: dir };
  return { code: await runCli(argv, io, COMMANDS), stdout, stderr };
}

/** Trains `modules` ([site, method, options]) into run directory `name`. */
async function train(name: string, modules: [string, string, Record<string, unknown>][]) {
  const { methods } = await selectMethods(null);
  const backbone = loadPretrained(BACKBONE).model;
  const sites = new Map(backbone.sites().map((s) => [s.name, s]));
  backbone.dispose();
  const structure = modules.map(([site, method, given]) => {
    const m = methods.find((x) => x.name === method)!;
    const options = resolveOptions(m.name, m.options, given);
    return { site, method, options, params: m.paramCount(sites.get(site)!, options) };
  });
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify({ structure }));
  const r = await run(["train", "--structure", file, ...TINY, "--out", name, "--ui", "plain"]);
  expect(r.code, r.stderr).toBe(0);
  return join(dir, name);
}

const json = (path: string) => JSON.parse(readFileSync(path, "utf8"));
const header = (path: string) => {
  const file = openSafetensors(path);
  try {
    return Object.fromEntries(file.names().map((n) => [n, file.info(n).shape]));
  } finally {
    file.close();
  }
};
const evalJson = async (args: string[]) => {
  const r = await run(["eval", ...args, "--json"]);
  expect(r.code, r.stderr).toBe(0);
  const { validation, test } = JSON.parse(r.stdout) as { validation: number; test: number };
  return { validation, test };
};

const texts = ["Win a free cruise, click now!", "Meeting moved to 3pm.", "Re: your invoice is attached"];
/** Logits of `saved` (modules and head) on the backbone in `modelDir`, for a few texts. */
async function logitsOf(saved: SavedModel, modelDir = BACKBONE): Promise<Float32Array> {
  const { methods } = await selectMethods(null);
  const batch = encodeBatch(loadTokenizer(modelDir), texts.map((text) => ({ text, pair: null })), { maxLength: 32 });
  const backbone = loadPretrained(modelDir).model;
  const modules = loadSavedModules(saved, backbone.sites(), methods);
  const head = createClassificationHead(backbone)(saved.numLabels, { seed: 0 });
  const one = tf.scalar(1);
  try {
    tf.tidy(() => head.load(readSavedHead(saved, Object.keys(head.weights))));
    const calls = new GatedSiteCalls(modules.map((m) => ({ site: m.candidate.site, module: m.module, gate: one })));
    return tf.tidy(() => head.apply(backbone.forward(batch, calls)).dataSync() as Float32Array);
  } finally {
    modules.forEach((m) => m.module.dispose());
    head.dispose();
    backbone.dispose();
    one.dispose();
    saved.close();
  }
}
const maxDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);

describe("s3pet export --format peft", () => {
  const q0 = "encoder.layer.0.attention.self.query";
  const v1 = "encoder.layer.1.attention.self.value";
  const ff2 = "encoder.layer.2.intermediate.dense";

  it("writes LoRA (per-module rank/alpha) and (IA)^3 as PEFT does, and eval of the adapter gives the run's scores", async () => {
    const runDir = await train("lora-ia3", [
      [q0, "lora", { rank: 4, alpha: 8 }],
      [v1, "lora", { rank: 2, alpha: 6 }],
      [v1, "ia3", {}],
      [ff2, "ia3", {}],
    ]);
    const r = await run(["export", "lora-ia3", "--format", "peft", "--out", "peft", "--strict"]);
    expect(r.code, r.stderr).toBe(0);
    const out = join(dir, "peft");

    const lora = json(join(out, "adapter_config.json"));
    expect(lora).toMatchObject({
      peft_type: "LORA",
      task_type: "SEQ_CLS",
      r: 4,
      lora_alpha: 8,
      rank_pattern: { [`bert.${v1}`]: 2 },
      alpha_pattern: { [`bert.${v1}`]: 6 },
      target_modules: [`bert.${q0}`, `bert.${v1}`],
      modules_to_save: ["classifier"],
      base_model_name_or_path: BACKBONE,
      bias: "none",
      use_rslora: false,
      inference_mode: true,
    });
    expect(Object.keys(lora)).toEqual([...Object.keys(lora)].sort()); // save_pretrained sorts the keys
    expect(header(join(out, "adapter_model.safetensors"))).toEqual({
      [`base_model.model.bert.${q0}.lora_A.weight`]: [4, 128], // [r, in]
      [`base_model.model.bert.${q0}.lora_B.weight`]: [128, 4], // [out, r]
      [`base_model.model.bert.${v1}.lora_A.weight`]: [2, 128],
      [`base_model.model.bert.${v1}.lora_B.weight`]: [128, 2],
      "base_model.model.classifier.weight": [2, 128],
      "base_model.model.classifier.bias": [2],
    });
    const ia3 = json(join(out, "ia3", "adapter_config.json"));
    expect(ia3).toMatchObject({ peft_type: "IA3", task_type: "SEQ_CLS", target_modules: [`bert.${v1}`, `bert.${ff2}`], feedforward_modules: [], modules_to_save: null });
    expect(header(join(out, "ia3", "adapter_model.safetensors"))).toEqual({
      [`base_model.model.bert.${v1}.ia3_l`]: [128, 1],
      [`base_model.model.bert.${ff2}.ia3_l`]: [512, 1],
    });
    // the A tensor is our [in, r] A transposed
    const saved = openSafetensors(join(runDir, "adapter", "adapter_model.safetensors"));
    const peft = openSafetensors(join(out, "adapter_model.safetensors"));
    const ours = saved.readFloat32(`${q0}#lora.lora_A`);
    const theirs = peft.readFloat32(`base_model.model.bert.${q0}.lora_A.weight`);
    expect(theirs.data[1 * 128 + 5]).toBe(ours.data[5 * 4 + 1]);
    saved.close();
    peft.close();

    // read back: the same logits as the run's adapter, and the same eval scores
    const { methods } = await selectMethods(null);
    const sites = loadPretrained(BACKBONE).model;
    const imported = readPeftAdapter(out, sites.sites(), methods);
    sites.dispose();
    expect(imported.structure.map((m) => [m.site, m.method, m.options])).toEqual(expect.arrayContaining([[v1, "lora", { rank: 2, alpha: 6, dropout: 0 }], [ff2, "ia3", {}]]));
    const [before, after] = [await logitsOf(savedModelOfRun(runDir)), await logitsOf(imported)];
    expect(maxDiff(before, after)).toBeLessThan(1e-5);
    expect(await evalJson(["peft", ...EVAL])).toEqual(await evalJson(["lora-ia3"]));

    // train --init-adapter: the adapter's modules are the structure and its weights the start; with two
    // units the worker scores half of each split, so it must have received the loaded weights too
    const cont = await run(["train", "--init-adapter", "peft", ...TINY.slice(0, -2), "--lr", "1e-12", "--lora.lr", "1e-12", "--ia3.lr", "1e-12", "--workers", "2", "--out", "continued", "--json", "--ui", "plain"]);
    expect(cont.code, cont.stderr).toBe(0);
    const continued = JSON.parse(cont.stdout) as { structure: { site: string; method: string }[]; retrained: { validation: number; test: number } };
    expect(continued.structure.map((m) => `${m.method}@${m.site}`).sort()).toEqual([`ia3@${v1}`, `ia3@${ff2}`, `lora@${q0}`, `lora@${v1}`]);
    expect(continued.retrained).toEqual(await evalJson(["peft", ...EVAL])); // vanishing lrs keep the loaded weights
    expect(maxDiff(await logitsOf(savedModelOfRun(join(dir, "continued"))), before)).toBeLessThan(1e-4);
    // trained on from the loaded weights, one unit or two give the same model: the worker's first shard
    // gradients are taken at the loaded weights, not at its fresh ones
    const units = async (n: number) => {
      const r = await run(["train", "--init-adapter", "peft", ...TINY, "--workers", String(n), "--out", `units-${n}`, "--json", "--ui", "plain"]);
      expect(r.code, r.stderr).toBe(0);
      return logitsOf(savedModelOfRun(join(dir, `units-${n}`)));
    };
    const [one, two] = [await units(1), await units(2)];
    expect(maxDiff(one, before)).toBeGreaterThan(1e-3); // it did train
    expect(maxDiff(two, one)).toBeLessThan(1e-4);
    expect((await run(["train", "--init-adapter", "peft", "--structure", "lora", "--out", "both"])).stderr).toMatch(/--init-adapter: .* drop --structure/);
  });

  it("leaves out what PEFT cannot express with a note, and --strict fails naming it", async () => {
    await train("lora-bitfit", [
      [q0, "lora", { rank: 2 }],
      ["encoder.layer.3.output.LayerNorm", "bitfit", {}],
    ]);
    const strict = await run(["export", "lora-bitfit", "--format", "peft", "--strict", "--out", "strict"]);
    expect(strict.code).toBe(2);
    expect(strict.stderr.trim().split("\n")).toHaveLength(1);
    expect(strict.stderr).toMatch(/--strict: PEFT cannot express bitfit@encoder\.layer\.3\.output\.LayerNorm/);
    const lenient = await run(["export", "lora-bitfit", "--format", "peft", "--out", "lenient"]);
    expect(lenient.code, lenient.stderr).toBe(0);
    expect(lenient.stdout).toMatch(/note: left out \(PEFT cannot express them\): bitfit@encoder\.layer\.3\.output\.LayerNorm/);
    expect(Object.keys(header(join(dir, "lenient", "adapter_model.safetensors")))).toHaveLength(4);
  });
});

describe("s3pet export --merge", () => {
  it("folds LoRA, (IA)^3 and BitFit into the weights: same hidden states (1e-4) and the same eval scores", async () => {
    const runDir = await train("mergeable", [
      ["encoder.layer.0.attention.self.query", "lora", { rank: 4 }],
      ["encoder.layer.0.attention.self.query", "ia3", {}],
      ["encoder.layer.1.output.dense", "bitfit", {}],
      ["encoder.layer.2.attention.output.LayerNorm", "bitfit", {}],
      ["encoder.layer.3.intermediate.dense", "ia3", {}],
    ]);
    const r = await run(["export", "mergeable", "--merge", "--out", "merged"]);
    expect(r.code, r.stderr).toBe(0);
    const merged = join(dir, "merged");
    const config = json(join(merged, "config.json"));
    expect(config).toMatchObject({ architectures: ["BertForSequenceClassification"], model_type: "bert", num_labels: 2, id2label: { 0: "ham", 1: "spam" }, label2id: { ham: 0, spam: 1 } });
    const names = Object.keys(header(join(merged, "model.safetensors")));
    expect(names).toEqual(expect.arrayContaining(["classifier.weight", "classifier.bias", "encoder.layer.0.attention.self.query.weight", "embeddings.word_embeddings.weight"]));

    // hidden states: the backbone with the trained modules attached vs the merged checkpoint alone
    const { methods } = await selectMethods(null);
    const tokenizer = loadTokenizer(BACKBONE);
    const batch: EncodedBatch = encodeBatch(tokenizer, [{ text: "Win a free cruise, click now!", pair: null }, { text: "Meeting moved to 3pm.", pair: null }], { maxLength: 32 });
    const base = loadPretrained(BACKBONE).model;
    const saved = savedModelOfRun(runDir);
    const modules = loadSavedModules(saved, base.sites(), methods);
    const one = tf.scalar(1);
    const calls = new GatedSiteCalls(modules.map((m) => ({ site: m.candidate.site, module: m.module, gate: one })));
    const withModules = tf.tidy(() => base.forward(batch, calls).lastHiddenState.dataSync() as Float32Array);
    const plain = tf.tidy(() => base.forward(batch).lastHiddenState.dataSync() as Float32Array);
    const foldedModel = loadPretrained(merged).model;
    const folded = tf.tidy(() => foldedModel.forward(batch).lastHiddenState.dataSync() as Float32Array);
    const diff = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);
    expect(folded.length).toBe(withModules.length);
    expect(diff(folded, withModules)).toBeLessThan(1e-4);
    expect(diff(plain, withModules)).toBeGreaterThan(1e-2); // the modules do change the output
    modules.forEach((m) => m.module.dispose());
    saved.close();
    tf.dispose(one);
    base.dispose();
    foldedModel.dispose();

    const file = openSafetensors(join(merged, "model.safetensors"));
    const head = savedModelOfTensors(merged, [], 2, { "head.classifier.weight": file.readFloat32("classifier.weight"), "head.classifier.bias": file.readFloat32("classifier.bias") });
    file.close();
    expect(maxDiff(await logitsOf(head, merged), await logitsOf(savedModelOfRun(runDir)))).toBeLessThan(1e-4);
    expect(await evalJson(["merged", ...EVAL])).toEqual(await evalJson(["mergeable"]));
  });

  it("fails in one line naming the modules that cannot be folded", async () => {
    await train("with-adapter", [
      ["encoder.layer.0.attention.self.query", "lora", { rank: 2 }],
      ["encoder.layer.1.output", "adapter", { bottleneck: 4 }],
    ]);
    const r = await run(["export", "with-adapter", "--merge", "--out", "nope"]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/--merge: adapter@encoder\.layer\.1\.output cannot be folded/);
  });

  it("rejects bad flags before writing anything", async () => {
    expect((await run(["export", "lora-ia3", "--out", "x"])).stderr).toMatch(/exactly one of --format peft and --merge/);
    expect((await run(["export", "lora-ia3", "--format", "onnx", "--out", "x"])).stderr).toMatch(/--format must be one of peft, got 'onnx'/);
    expect((await run(["export", "lora-ia3", "--merge", "--out", "peft"])).stderr).toMatch(/--out: peft is not empty/);
  });
});
