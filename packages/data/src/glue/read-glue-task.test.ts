import { mkdtempSync, cpSync, appendFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readGlueTask } from "./read-glue-task.js";
import { labelCounts, majorityBaseline } from "../task/majority-baseline.js";

const FIXTURES = new URL("../../test-fixtures/glue/", import.meta.url).pathname;
const dir = (name: string) => join(FIXTURES, name);

describe("readGlueTask on the GLUE-format fixtures", () => {
  it("sst2: single sentences, dev becomes test, validation carved from train", () => {
    const task = readGlueTask("sst2", dir("SST-2"), { seed: 1 });
    expect(task.name).toBe("glue:sst2");
    expect(task.metric.name).toBe("accuracy");
    expect(task.labelSpace?.toJSON()).toEqual(["0", "1"]);
    expect([task.splits.train.length, task.splits.validation.length, task.splits.test.length]).toEqual([9, 1, 3]);
    expect(task.splits.test[0]).toEqual({ text: "it 's a charming and often affecting journey . ", textPair: null, label: 1 });
    expect(task.notes[0]).toBe(`GLUE's test.tsv has no labels: test = ${join(dir("SST-2"), "dev.tsv")} (GLUE's validation set)`);
    expect(task.notes[1]).toMatch(/^no validation file: carved validation \(1 row\) out of .*train\.tsv, seeded \(1\) and stratified by label$/);
    // quotes are literal in GLUE TSV
    expect([...task.splits.train, ...task.splits.validation].some((e) => e.text.includes('" clever "'))).toBe(true);
  });
  it("mrpc: sentence pairs from '#1 String'/'#2 String', label 'Quality', F1", () => {
    const task = readGlueTask("MRPC", dir("MRPC"), { seed: 1 });
    expect(task.metric.name).toBe("f1");
    expect(task.hasPairs).toBe(true);
    expect(task.splits.test[2]).toEqual({ text: "The meeting was postponed until Monday .", textPair: "The meeting has been put off to Monday .", label: 1 });
    // train is 5:3 for 1, so always 1: TP = 2, FP = 1 on test -> F1 = 4/5
    expect(majorityBaseline(task)).toBeCloseTo(0.8, 12);
  });
  it("cola: headerless train/dev with four columns, Matthews", () => {
    const task = readGlueTask("cola", dir("CoLA"), { seed: 1 });
    expect(task.metric.name).toBe("matthews");
    expect(task.splits.test.map((e) => e.label)).toEqual([1, 0, 1, 0]);
    expect(task.splits.test[1]!.text).toBe("The car honked down the road on its way.");
    expect(majorityBaseline(task)).toBe(0); // a constant prediction has no correlation
  });
  it("stsb: regression on 'score' with the Pearson/Spearman mean", () => {
    const task = readGlueTask("sts-b", dir("STS-B"), { seed: 1 });
    expect(task.kind).toBe("regression");
    expect(task.metric.name).toBe("pearson-spearman");
    expect(task.labelSpace).toBeNull();
    expect(task.splits.test.map((e) => e.label)).toEqual([5, 4.75, 5, 2.4]);
    expect(task.splits.test[0]!.textPair).toBe("A man wearing a hard hat is dancing.");
  });
  it("qnli and rte: entailment / not_entailment pairs", () => {
    const qnli = readGlueTask("qnli", dir("QNLI"), { seed: 1 });
    expect(qnli.labelSpace?.toJSON()).toEqual(["entailment", "not_entailment"]);
    expect(qnli.splits.test[1]).toMatchObject({ text: "What is the first major city in the stream of the Rhine?", label: 1 });
    const rte = readGlueTask("rte", dir("RTE"), { seed: 1 });
    expect(rte.splits.test.map((e) => e.label)).toEqual([1, 0]);
  });
  it("mnli: gold_label over three classes, dev_matched as test", () => {
    const task = readGlueTask("mnli", dir("MNLI"), { seed: 1 });
    expect(task.labelSpace?.toJSON()).toEqual(["contradiction", "entailment", "neutral"]);
    expect(task.splits.test.map((e) => e.label)).toEqual([2, 0, 1]);
    expect(task.sources.test).toBe(join(dir("MNLI"), "dev_matched.tsv"));
    expect(labelCounts(task, "train").reduce((a, b) => a + b)).toBe(7);
  });
  it("uses a test file that carries labels as test", () => {
    const copy = mkdtempSync(join(tmpdir(), "s3pet-glue-"));
    cpSync(dir("SST-2"), copy, { recursive: true });
    cpSync(join(copy, "dev.tsv"), join(copy, "test.tsv"));
    const task = readGlueTask("sst2", copy, { seed: 1 });
    expect([task.splits.train.length, task.splits.validation.length, task.splits.test.length]).toEqual([10, 3, 3]);
    expect(task.notes).toEqual([]);
  });
  it("reports a malformed row with file, line and the layout", () => {
    const copy = mkdtempSync(join(tmpdir(), "s3pet-glue-"));
    cpSync(dir("RTE"), copy, { recursive: true });
    appendFileSync(join(copy, "train.tsv"), "5\tonly two fields\n");
    expect(() => readGlueTask("rte", copy, { seed: 1 })).toThrow(`${join(copy, "train.tsv")}:7: expected 4 fields (index, sentence1, sentence2, label), got 2; check the tabs`);
    const labels = mkdtempSync(join(tmpdir(), "s3pet-glue-"));
    cpSync(dir("RTE"), labels, { recursive: true });
    appendFileSync(join(labels, "train.tsv"), "5\ta\tb\tmaybe\n");
    expect(() => readGlueTask("rte", labels, { seed: 1 })).toThrow(
      `${join(labels, "train.tsv")}:7: unknown label 'maybe' (the task's labels: entailment, not_entailment); fix the label or add it to train`,
    );
  });
  it("rejects unknown tasks, missing files and custom-task flags", () => {
    expect(() => readGlueTask("squad", dir("SST-2"), { seed: 1 })).toThrow(`--task glue:squad:${dir("SST-2")}: unknown GLUE task 'squad' (use one of sst2, mrpc, cola, stsb, qnli, rte, mnli)`);
    expect(() => readGlueTask("mnli", dir("SST-2"), { seed: 1 })).toThrow(`missing dev_matched.tsv or validation_matched.tsv`);
    expect(() => readGlueTask("sst2", "/no/such", { seed: 1 })).toThrow("--task glue:sst2:/no/such: no such directory");
    expect(() => readGlueTask("sst2", dir("SST-2"), { seed: 1, labelField: "y" })).toThrow("--label-field applies to custom tasks");
  });
});
