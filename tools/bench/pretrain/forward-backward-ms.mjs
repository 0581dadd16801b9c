// @ts-check
// The timing both cost benches share: one forward + backward (gradients of every weight) of each model
// on the same batch, alternated so every model sees the same load; the first two rounds warm the kernels up.
import * as tf from "@tensorflow/tfjs";

/** Milliseconds of each model's forward + backward, `reps` per model (the warm-up rounds left out). */
export function forwardBackwardMs(models, batch, reps) {
  const ms = models.map(() => /** @type {number[]} */ ([]));
  for (let rep = 0; rep < reps + 2; rep++) {
    models.forEach((model, i) => {
      const start = performance.now();
      const { value, grads } = tf.variableGrads(() => /** @type {tf.Scalar} */ (tf.sum(tf.square(model.forward(batch).lastHiddenState))), [...model.trainableWeights()]);
      value.dataSync();
      tf.dispose(grads);
      value.dispose();
      if (rep >= 2) ms[i].push(performance.now() - start);
    });
  }
  return ms;
}

export const median = (xs) => [...xs].sort((x, y) => x - y)[xs.length >> 1];
