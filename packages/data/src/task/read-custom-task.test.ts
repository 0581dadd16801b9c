import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readCustomTask } from "./read-custom-task.js";

function taskDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "s3pet-task-"));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}
const jsonl = (rows: readonly object[]) => rows.map((r) => JSON.stringify(r)).join("\n") + "\n";
const rows = (n: number, extra: (i: number) => object = () => ({})) =>
  Array.from({ length: n }, (_, i) => ({ text: `example ${i}`, label: i % 2 ? "pos" : "neg", ...extra(i) }));

describe("readCustomTask", () => {
  it("reads train/validation/test JSONL with default fields", () => {
    const dir = taskDir({ "train.jsonl": jsonl(rows(10)), "validation.jsonl": jsonl(rows(4)), "test.jsonl": jsonl(rows(6)) });
    const task = readCustomTask(dir, { seed: 1 });
    expect(task.labelSpace?.toJSON()).toEqual(["neg", "pos"]);
    expect([task.splits.train.length, task.splits.validation.length, task.splits.test.length]).toEqual([10, 4, 6]);
    expect(task.splits.train[1]).toEqual({ text: "example 1", textPair: null, label: 1 });
    expect(task.metric.name).toBe("accuracy");
    expect(task.hasPairs).toBe(false);
    expect(task.notes).toEqual([]);
  });
  it("uses text_pair when train has it, accepts dev.* for validation, and mixes formats", () => {
    const dir = taskDir({
      "train.jsonl": jsonl(rows(6, (i) => ({ text_pair: `pair ${i}` }))),
      "dev.csv": 'text,text_pair,label\n"a, b",c,pos\nd,e,neg\n',
      "test.tsv": "text\ttext_pair\tlabel\nx\ty\tneg\n",
    });
    const task = readCustomTask(dir, { seed: 1 });
    expect(task.hasPairs).toBe(true);
    expect(task.splits.validation[0]).toEqual({ text: "a, b", textPair: "c", label: 1 });
    expect(task.splits.test[0]).toEqual({ text: "x", textPair: "y", label: 0 });
  });
  it("takes field names from flags over task.json over defaults", () => {
    const data = jsonl(Array.from({ length: 8 }, (_, i) => ({ body: `b${i}`, title: `t${i}`, y: i % 2, cls: i % 2 ? "q" : "p" })));
    const dir = taskDir({ "train.jsonl": data, "test.jsonl": data, "task.json": JSON.stringify({ name: "mine", textField: "title", labelField: "cls" }) });
    const fromManifest = readCustomTask(dir, { seed: 1 });
    expect(fromManifest.name).toBe("mine");
    expect(fromManifest.splits.test[0]).toEqual({ text: "t0", textPair: null, label: 0 });
    expect(fromManifest.labelSpace?.toJSON()).toEqual(["p", "q"]);
    const fromFlags = readCustomTask(dir, { seed: 1, textField: "body", textPairField: "title", labelField: "y" });
    expect(fromFlags.splits.test[1]).toEqual({ text: "b1", textPair: "t1", label: 1 });
    expect(fromFlags.labelSpace?.toJSON()).toEqual(["0", "1"]);
  });
  it("reads a regression task with its default metric", () => {
    const data = jsonl(Array.from({ length: 10 }, (_, i) => ({ text: `s${i}`, label: i / 2 })));
    const task = readCustomTask(taskDir({ "train.jsonl": data, "test.jsonl": data }), { seed: 1, kind: "regression" });
    expect(task.labelSpace).toBeNull();
    expect(task.metric.name).toBe("pearson-spearman");
    expect(task.splits.test[3]!.label).toBe(1.5);
  });
  it("splits a single data file 80/10/10", () => {
    const dir = taskDir({ "all.jsonl": jsonl(rows(50)) });
    const task = readCustomTask(join(dir, "all.jsonl"), { seed: 3 });
    expect(task.name).toBe("all");
    expect([task.splits.train.length, task.splits.validation.length, task.splits.test.length]).toEqual([40, 5, 5]);
  });
  it("reports a missing field with file, line and the flag that fixes it", () => {
    const dir = taskDir({ "train.jsonl": jsonl([...rows(3), { text: "no label here" }]), "test.jsonl": jsonl(rows(2)) });
    expect(() => readCustomTask(dir, { seed: 1 })).toThrow(`${join(dir, "train.jsonl")}:4: missing field 'label' (fields here: text; choose the label column with --label-field)`);
  });
  it("reports a text field of the wrong type", () => {
    const dir = taskDir({ "train.jsonl": jsonl([{ text: 42, label: "a" }]), "test.jsonl": jsonl(rows(2)) });
    expect(() => readCustomTask(dir, { seed: 1 })).toThrow(`${join(dir, "train.jsonl")}:1: field 'text' must be a string, got 42`);
  });
  it("reports a non-numeric regression target", () => {
    const dir = taskDir({ "train.jsonl": jsonl([{ text: "a", label: 1 }, { text: "b", label: "high" }]), "test.jsonl": jsonl(rows(2)) });
    expect(() => readCustomTask(dir, { seed: 1, kind: "regression" })).toThrow(`${join(dir, "train.jsonl")}:2: field 'label' must be a number for a regression task, got "high"`);
  });
  it("rejects a directory without train, with two train files, or with a bad task.json", () => {
    expect(() => readCustomTask(taskDir({ "test.jsonl": jsonl(rows(2)) }), { seed: 1 })).toThrow(/no train file \(expected train.jsonl \| train.csv \| train.tsv/);
    expect(() => readCustomTask(taskDir({ "train.jsonl": "", "train.csv": "" }), { seed: 1 })).toThrow("several train files (train.csv, train.jsonl); keep one");
    const bad = taskDir({ "train.jsonl": jsonl(rows(4)), "task.json": '{"labelfield": "y"}' });
    expect(() => readCustomTask(bad, { seed: 1 })).toThrow(`${join(bad, "task.json")}: unknown key 'labelfield' (known: name, kind, metric, labels, textField, textPairField, labelField)`);
    expect(() => readCustomTask("/no/such/dir", { seed: 1 })).toThrow("--task /no/such/dir: no such file or directory");
  });
});
