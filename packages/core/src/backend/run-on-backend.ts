// runOnBackend(): computes something on a given tfjs backend and switches back, so kernels can be
// checked against the cpu reference in tests and benchmarks. The result must be plain data.
import * as tf from "@tensorflow/tfjs";

/** Runs `compute` with `backendName` active, then restores the previous backend. */
export async function runOnBackend<T>(backendName: string, compute: () => T | Promise<T>): Promise<T> {
  const previous = tf.getBackend();
  await tf.setBackend(backendName);
  try {
    return await compute();
  } finally {
    await tf.setBackend(previous);
  }
}
