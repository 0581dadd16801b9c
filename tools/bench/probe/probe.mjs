#!/usr/bin/env node
// @ts-check
// Frozen-feature probe: how much of a task a backbone's pooled output already separates, with no PET
// module and no fine-tuning. The backbone encodes every example once (frozen, no gradients); a linear
// softmax head is trained on the train split's features (standardised with the train split's mean and
// std, full-batch AdamW), its weight decay chosen on the validation split among a few values, and it is
// scored on the test split next to the majority class.
//   node tools/bench/probe/probe.mjs --model assets/backbone --task spam --task tools/bench/quality/tasks/sotu-party \
//     --max-examples 512 --max-length 32 --seed 1 --out tools/bench/probe/results/old-backbone.json
// The task options are the quality grid's (tools/bench/quality/quality.grid.json), so a probe row compares with its rows.
// With --into <dir> (a directory `s3pet pretrain` wrote) the results also go into its pretrain-report.json and its
// model card is rendered again; --reference <json> (an earlier --out) puts another backbone's numbers beside.
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import * as tf from "@tensorflow/tfjs";
import { initBackend, writeFileAtomic, writeJsonAtomic } from "@s3pet/core";
import { loadTask, majorityBaseline } from "@s3pet/data";
import { encodeBatch, loadPretrained, loadTokenizer, renderModelCard } from "@s3pet/models";

const { values: a } = parseArgs({
  options: {
    model: { type: "string", default: "assets/backbone" },
    task: { type: "string", multiple: true, default: ["spam"] },
    "max-examples": { type: "string", default: "512" },
    "max-length": { type: "string", default: "32" },
    seed: { type: "string", default: "1" },
    steps: { type: "string", default: "300" },
    out: { type: "string" },
    into: { type: "string" },
    reference: { type: "string" },
    "reference-name": { type: "string", default: "the previous backbone" },
  },
});
const maxExamples = Number(a["max-examples"]);
const maxLength = Number(a["max-length"]);
const seed = Number(a.seed);
const steps = Number(a.steps);
const DECAYS = [0, 1e-3, 1e-2, 1e-1];

const backend = await initBackend();
const modelDir = resolve(/** @type {string} */ (a.model));
const { model } = loadPretrained(modelDir);
const tokenizer = loadTokenizer(modelDir);

/** [n, H] pooled outputs of the examples, 32 at a time. */
function features(examples) {
  const rows = [];
  for (let i = 0; i < examples.length; i += 32) {
    const chunk = examples.slice(i, i + 32);
    const batch = encodeBatch(tokenizer, chunk.map((e) => ({ text: e.text, pair: e.textPair })), { maxLength });
    rows.push(...tf.tidy(() => /** @type {number[][]} */ (model.forward(batch).pooledOutput.arraySync())));
  }
  return rows;
}

/** Trains W, b of a softmax head on standardised features with decay `wd`; returns its predict function. */
function trainHead(x, y, classes, wd) {
  return tf.tidy(() => {
    const X = tf.tensor2d(x);
    const Y = tf.oneHot(tf.tensor1d(y, "int32"), classes);
    const W = tf.variable(tf.zeros([X.shape[1], classes]));
    const b = tf.variable(tf.zeros([classes]));
    const optimizer = tf.train.adam(0.01);
    for (let s = 0; s < steps; s++) {
      optimizer.minimize(() => tf.add(tf.losses.softmaxCrossEntropy(Y, tf.add(tf.matMul(X, W), b)), tf.mul(wd, tf.sum(tf.square(W)))));
    }
    const Wv = W.arraySync();
    const bv = b.arraySync();
    optimizer.dispose();
    return (/** @type {number[][]} */ rows) => rows.map((r) => argmax(bv.map((bias, c) => bias + r.reduce((sum, v, j) => sum + v * Wv[j][c], 0))));
  });
}

const argmax = (xs) => xs.reduce((best, v, i) => (v > xs[best] ? i : best), 0);
const accuracy = (pred, y) => pred.filter((p, i) => p === y[i]).length / y.length;

const results = [];
for (const spec of /** @type {string[]} */ (a.task)) {
  const started = performance.now();
  const task = loadTask(spec, { seed, maxExamples });
  if (task.kind !== "classification" || task.labelSpace === null) throw new Error(`${spec}: the probe scores classification tasks only`);
  const classes = task.labelSpace.size;
  const [train, validation, test] = ["train", "validation", "test"].map((s) => features(task.splits[s]));
  const labels = (s) => task.splits[s].map((e) => e.label);
  // Standardise with the train split's statistics, so one learning rate and decay grid suits every backbone.
  const H = train[0].length;
  const mean = Array.from({ length: H }, (_, j) => train.reduce((s, r) => s + r[j], 0) / train.length);
  const std = Array.from({ length: H }, (_, j) => Math.sqrt(train.reduce((s, r) => s + (r[j] - mean[j]) ** 2, 0) / train.length) || 1);
  const standard = (rows) => rows.map((r) => r.map((v, j) => (v - mean[j]) / std[j]));
  const [xTrain, xValidation, xTest] = [train, validation, test].map(standard);
  const byDecay = DECAYS.map((wd) => {
    const predict = trainHead(xTrain, labels("train"), classes, wd);
    return { weightDecay: wd, validation: accuracy(predict(xValidation), labels("validation")), test: accuracy(predict(xTest), labels("test")) };
  });
  const chosen = byDecay.reduce((best, r) => (r.validation > best.validation ? r : best));
  const entry = {
    task: task.name,
    spec,
    examples: { train: train.length, validation: validation.length, test: test.length },
    classes,
    majorityTest: majorityBaseline(task, "test"),
    probeTest: chosen.test,
    chosenWeightDecay: chosen.weightDecay,
    byDecay,
    seconds: (performance.now() - started) / 1000,
  };
  results.push(entry);
  console.log(`${task.name}: probe test accuracy ${(100 * entry.probeTest).toFixed(1)}% (majority ${(100 * entry.majorityTest).toFixed(1)}%), weight decay ${entry.chosenWeightDecay}, ${entry.seconds.toFixed(0)} s`);
}
model.dispose();
if (a.out) {
  writeJsonAtomic(resolve(a.out), { model: a.model, config: { maxExamples, maxLength, seed, steps, decays: DECAYS }, backend: backend.name, date: new Date().toISOString(), results });
}
if (a.into) {
  const dir = resolve(a.into);
  const reportPath = join(dir, "pretrain-report.json");
  const report = JSON.parse(readFileSync(reportPath, "utf8"));
  const rows = (list) => list.map(({ task, probeTest, majorityTest }) => ({ task, probeTest, majorityTest }));
  const reference = a.reference ? { name: a["reference-name"], rows: rows(JSON.parse(readFileSync(resolve(a.reference), "utf8")).results) } : undefined;
  const quoted = (arg) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", "'\\''")}'`);
  const command = `node tools/bench/probe/probe.mjs ${process.argv.slice(2).map(quoted).join(" ")}`;
  const updated = { ...report, probe: { command, rows: rows(results), ...(reference ? { reference } : {}) } };
  writeJsonAtomic(reportPath, updated);
  writeFileAtomic(join(dir, "README.md"), renderModelCard(updated));
}
