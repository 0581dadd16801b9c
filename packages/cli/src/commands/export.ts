// `s3pet export <run>`: the trained structure out of S3PET (docs/EXPORT.md). `--format peft` writes a
// Hugging Face PEFT adapter (adapter_config.json + adapter_model.safetensors, the task head in
// modules_to_save); `--merge` folds every module into the backbone's weights and writes a plain HF
// checkpoint with the head as BertForSequenceClassification's `classifier`. Each method says how it
// exports (its `peft` and `merge`); this command names none.
import { existsSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import * as tf from "@tensorflow/tfjs";
import {
  choiceRunOption,
  initBackend,
  loadSavedModules,
  mergeModules,
  notPeftExpressible,
  readSavedHead,
  S3petInputError,
  savedModelOfRun,
  switchRunOption,
  textRunOption,
  writePeftAdapter,
  type FrozenParams,
  type RunOption,
} from "@s3pet/core";
import { loadPretrained, loadTokenizer, saveBackbone } from "@s3pet/models";
import { defineCommand } from "../cli/command.js";
import { mergeFlagValues, resolveRunInputs } from "../run-config/resolve-run-options.js";
import { commandFlags, optionValue, runFlag, type FlagValues } from "../run-config/run-flags.js";
import { readSavedRunOptions } from "../run-config/saved-run-options.js";
import { selectMethods } from "../run/prepare-run.js";

/** The options of `s3pet export`, in the run options' declaration format (docs/OPTIONS.md). */
export const EXPORT_OPTIONS = [
  choiceRunOption({ flag: "format", commands: ["export"], values: ["peft"], default: null, doc: "write an adapter in this format" }),
  switchRunOption({ flag: "merge", commands: ["export"], doc: "fold the modules into the backbone and write a plain checkpoint" }),
  textRunOption({ flag: "out", short: "o", commands: ["export"], valueName: "dir", default: null, doc: "output directory (missing or empty); required" }),
  switchRunOption({ flag: "strict", commands: ["export"], doc: "--format peft: fail instead of leaving out modules PEFT cannot express" }),
] as const satisfies readonly RunOption<any>[];
const [FORMAT, MERGE, OUT, STRICT] = EXPORT_OPTIONS;

export const exportCommand = defineCommand({
  name: "export",
  summary: "write a run's structure as a PEFT adapter or as a merged Hugging Face checkpoint",
  description:
    "--format peft writes adapter_config.json + adapter_model.safetensors as Hugging Face PEFT does (LoRA, (IA)^3; " +
    "modules PEFT cannot express are left out with a note, or fail with --strict). --merge folds every module into " +
    "the backbone's weights and writes config.json, model.safetensors and the tokenizer with the task head as " +
    "classifier.* (BertForSequenceClassification); modules that cannot be folded fail naming them. See docs/EXPORT.md.",
  positionals: [{ name: "run", description: "a run directory written by s3pet search or s3pet train", required: true }],
  options: {
    ...commandFlags(EXPORT_OPTIONS, "export"),
    model: runFlag("model"),
    json: { type: "boolean", description: 'print {"out", "files", "notes"} as JSON' },
  },
  examples: [
    { command: "s3pet export runs/search-1 --format peft --out peft-adapter", description: "a PEFT adapter (PeftModel.from_pretrained)" },
    { command: "s3pet export runs/search-1 --merge --out merged", description: "a checkpoint with the modules folded in" },
  ],
  async run({ values, positionals }, io) {
    const runDir = resolve(io.cwd, positionals[0]!);
    if (!existsSync(join(runDir, "adapter"))) throw new S3petInputError(`${positionals[0]}: no adapter/ here; pass a run directory that s3pet search or s3pet train finished`);
    const format = optionValue(FORMAT, values);
    const merge = optionValue(MERGE, values);
    const outFlag = optionValue(OUT, values);
    if ((format === null) === !merge) throw new S3petInputError("export: pass exactly one of --format peft and --merge");
    if (outFlag === null) throw new S3petInputError("--out: pass the directory to write, e.g. --out exported");
    const out = resolve(io.cwd, outFlag);
    if (existsSync(out) && readdirSync(out).length > 0) throw new S3petInputError(`--out: ${outFlag} is not empty; pass a new or empty directory`);
    const saved = readSavedRunOptions(runDir);
    const { modelDir } = resolveRunInputs(mergeFlagValues(saved?.flags, { model: values.model } as FlagValues), io.cwd);
    const { methods } = await selectMethods(null);
    await initBackend();

    const { model, config } = loadPretrained(modelDir);
    const adapter = savedModelOfRun(runDir);
    const notes: string[] = [];
    try {
      if (adapter.backboneWeight) throw new S3petInputError(`${positionals[0]}: a full fine-tuning run has no modules to export; its backbone is in adapter/`);
      if (!model.hasPooler) notes.push("the backbone has no pooler: S3PET's head reads the first token's hidden state, transformers' BertForSequenceClassification would add an untrained pooler");
      const modules = loadSavedModules(adapter, model.sites(), methods);
      const head = readSavedHead(adapter);
      try {
        if (merge) {
          const merged = mergeModules(modules, (site) => model.siteParams(site));
          try {
            const labels = saved?.task?.labels ?? null;
            const numLabels = adapter.numLabels;
            const id2label = Object.fromEntries(Array.from({ length: numLabels }, (_, i) => [String(i), labels?.[i] ?? `LABEL_${i}`]));
            saveBackbone(out, model, {
              tokenizer: loadTokenizer(modelDir),
              replace: flatten(merged),
              extraTensors: head,
              metadata: { exported_by: "s3pet export --merge" },
              config: {
                architectures: [config.modelType === "roberta" ? "RobertaModel" : "BertForSequenceClassification"],
                num_labels: numLabels,
                id2label,
                label2id: Object.fromEntries(Object.entries(id2label).map(([i, l]) => [l, Number(i)])),
                problem_type: numLabels === 1 ? "regression" : "single_label_classification",
              },
            });
          } finally {
            for (const p of merged.values()) tf.dispose([p.weight, p.bias]);
          }
          if (config.modelType === "roberta") notes.push("RoBERTa: transformers' RobertaForSequenceClassification head differs; classifier.* is S3PET's head");
        } else {
          const left = notPeftExpressible(modules);
          const result = writePeftAdapter(out, modules, head, { modulePrefix: `${config.modelType}.`, baseModel: modelDir }, optionValue(STRICT, values) ?? false);
          if (left.length > 0) notes.push(`left out (PEFT cannot express them): ${left.join(", ")}`);
          for (const a of result.adapters.slice(1)) notes.push(`${a.peftType} modules are a second PEFT adapter in ${a.dir} (PEFT keeps one peft_type per adapter)`);
        }
      } finally {
        for (const m of modules) m.module.dispose();
        tf.dispose(Object.values(head));
      }
    } finally {
      adapter.close();
      model.dispose();
    }
    const files = listFiles(out);
    if (values.json) {
      io.stdout.write(`${JSON.stringify({ out, files, notes })}\n`);
      return;
    }
    io.stdout.write(`exported ${positionals[0]} -> ${outFlag}: ${files.join(", ")}\n${notes.map((n) => `note: ${n}\n`).join("")}`);
  },
});

/** Site -> merged params as HF weight names (`<site>.weight`, `<site>.bias`). */
function flatten(merged: ReadonlyMap<string, FrozenParams>): Map<string, tf.Tensor> {
  return new Map([...merged].flatMap(([site, p]) => [[`${site}.weight`, p.weight], [`${site}.bias`, p.bias]] as const));
}

/** Files under `dir`, relative, sorted. */
function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort();
}
