// @ts-check
// The speed bench's synthetic fixed-shape task (every row `seq` tokens, no padding; the values do not
// matter for speed, the shapes do), and the worker-recipe export that rebuilds the same task, backbone,
// head and methods inside a data-parallel worker thread (`speed-case.mjs --workers n`).
import { loadInstalledPlugins } from "@s3pet/core";
import { checkpointModelType, createClassificationHead, loadPretrained, loadT5Pretrained } from "@s3pet/models";

/**
 * @typedef {{ vocabSize: number, seq: number, batch: number }} Shape
 */

/** Row i: [CLS]-like id 2 then ids drawn from a fixed LCG over the vocabulary (no padding). */
export function syntheticBatch(/** @type {Shape} */ shape, /** @type {number} */ first, /** @type {number} */ n) {
  const { seq, vocabSize } = shape;
  const inputIds = new Int32Array(n * seq);
  for (let r = 0; r < n; r++) {
    let s = (first + r + 1) * 2654435761;
    inputIds[r * seq] = 2;
    for (let t = 1; t < seq; t++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      inputIds[r * seq + t] = 5 + (s % (vocabSize - 5));
    }
  }
  return { batch: n, length: seq, inputIds, tokenTypeIds: new Int32Array(n * seq), attentionMask: new Int32Array(n * seq).fill(1) };
}

function syntheticDataset(/** @type {Shape} */ shape, /** @type {number} */ size, /** @type {number} */ offset) {
  const labels = Float32Array.from({ length: size }, (_, i) => (i * 7 + offset) % 2);
  return {
    size,
    batch(/** @type {readonly number[]} */ indices) {
      const b = syntheticBatch(shape, offset + indices[0], indices.length);
      return { ...b, labels: Float32Array.from(indices, (i) => labels[i]) };
    },
    labels: () => labels,
  };
}

export function syntheticTask(/** @type {Shape} */ shape, /** @type {number} */ trainSize) {
  return {
    name: "synthetic",
    objective: {
      kind: /** @type {const} */ ("classification"),
      numLabels: 2,
      metric: "accuracy",
      score(/** @type {Float32Array} */ pred, /** @type {Float32Array} */ labels) {
        let right = 0;
        for (let i = 0; i < labels.length; i++) right += Number((pred[2 * i + 1] > pred[2 * i] ? 1 : 0) === labels[i]);
        return right / labels.length;
      },
    },
    train: syntheticDataset(shape, trainSize, 0),
    validation: syntheticDataset(shape, shape.batch, 1_000_000),
    test: syntheticDataset(shape, shape.batch, 2_000_000),
  };
}

/**
 * The deps of a speed case: the pretrained backbone of `modelDir`, its classification head, the
 * synthetic task and the installed methods (`methods` names, or all). Also the worker-recipe export.
 * `noSkip` hides the backbone's `hiddenAt`, so a fixed structure recomputes its frozen lower layers
 * every step (the bench's comparison for the kept per-example outputs).
 * @param {{ modelDir: string, shape: Shape, hiddenSize: number, trainSize: number, methods: string[] | null, noSkip?: boolean }} a
 */
export async function speedDeps(a) {
  const registry = await loadInstalledPlugins();
  return {
    createBackbone: (/** @type {{ trainable: boolean }} */ { trainable }) => {
      if (checkpointModelType(a.modelDir) === "t5") {
        if (trainable) throw new Error("full fine-tuning of a T5 backbone is not supported");
        return loadT5Pretrained(a.modelDir).model; // the head reads pooledOutput: the decoder's start-token state
      }
      const model = loadPretrained(a.modelDir, { trainable }).model;
      return a.noSkip ? Object.assign(Object.create(model), { hiddenAt: undefined }) : model;
    },
    createHead: createClassificationHead({ hiddenSize: a.hiddenSize }),
    task: syntheticTask(a.shape, a.trainSize),
    methods: a.methods ? a.methods.map((m) => registry.method(m)) : registry.methods(),
    registry,
  };
}
