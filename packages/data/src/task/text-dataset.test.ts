import { describe, expect, it } from "vitest";
import type { EncodedBatch } from "@s3pet/core";
import { TextDataset, encodeTask, type BatchEncoder } from "./text-dataset.js";
import { buildTaskData } from "./build-task-data.js";
import { findMetric } from "../metrics/metrics.js";

// A character-level encoder: [CLS]=1, chars as code points, [SEP]=2, padded with 0 to the batch's longest row.
const charEncoder: BatchEncoder = (texts, pairs) => {
  const rows = texts.map((t, i) => [1, ...[...t].map((c) => c.charCodeAt(0)), 2, ...(pairs ? [...pairs[i]!].map((c) => c.charCodeAt(0)).concat(2) : [])]);
  const length = Math.max(...rows.map((r) => r.length));
  const batch: EncodedBatch = {
    batch: rows.length,
    length,
    inputIds: new Int32Array(rows.length * length),
    tokenTypeIds: new Int32Array(rows.length * length),
    attentionMask: new Int32Array(rows.length * length),
  };
  rows.forEach((r, i) => r.forEach((id, j) => ((batch.inputIds as Int32Array)[i * length + j] = id, (batch.attentionMask as Int32Array)[i * length + j] = 1)));
  return batch;
};

describe("TextDataset", () => {
  const ds = new TextDataset(
    [
      { text: "ab", textPair: null, label: 1 },
      { text: "c", textPair: null, label: 0 },
    ],
    charEncoder,
  );
  it("tokenises the requested rows on demand and attaches their labels", () => {
    const b = ds.batch([1, 0]);
    expect(b.batch).toBe(2);
    expect(b.length).toBe(4);
    expect(Array.from(b.inputIds)).toEqual([1, 99, 2, 0, 1, 97, 98, 2]);
    expect(Array.from(b.labels)).toEqual([0, 1]);
    expect(Array.from(ds.labels())).toEqual([1, 0]);
  });
  it("passes pairs to the encoder for pair tasks", () => {
    const pairs = new TextDataset([{ text: "a", textPair: "b", label: 0 }], charEncoder);
    expect(Array.from(pairs.batch([0]).inputIds)).toEqual([1, 97, 2, 98, 2]);
  });
  it("rejects indices outside the split", () => {
    expect(() => ds.batch([2])).toThrow("example index 2 outside [0, 2)");
  });
});

describe("encodeTask", () => {
  it("gives the engine an objective scoring argmax logits with the task's metric", () => {
    const raw = ["x", "y", "x", "y"].map((label, i) => ({ file: "f", line: i + 1, text: `t${i}`, textPair: null, label }));
    const task = buildTaskData({ name: "t", kind: "classification", metric: findMetric("accuracy", "classification"), hasPairs: false, raw: { train: raw, validation: raw, test: raw }, files: { train: "f", validation: "f", test: "f" }, seed: 1 });
    const splits = encodeTask(task, charEncoder);
    expect(splits.objective).toMatchObject({ kind: "classification", numLabels: 2, metric: "accuracy" });
    // rows: argmax 1, 0, 0, 1 vs labels 0, 1, 0, 1 -> 2 of 4
    expect(splits.objective.score(new Float32Array([0, 1, 2, 1, 5, -1, 0.5, 0.7]), new Float32Array([0, 1, 0, 1]))).toBe(0.5);
    expect(splits.test.size).toBe(4);
    expect(() => splits.objective.score(new Float32Array(3), new Float32Array(2))).toThrow("accuracy: expected 2 x 2 predictions, got 3");
  });
});
