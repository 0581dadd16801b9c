import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { lowMemoryVariableGrads } from "./low-memory-grads.js";

/** A two-layer net with frozen weights, trained low-rank and gated deltas, broadcast adds and a softmax. */
function makeNet(seed: number) {
  const r = (shape: number[], s: number) => tf.randomNormal(shape, 0, 0.5, "float32", seed + s);
  const frozen = [r([6, 6], 1), r([6, 12], 2), r([12, 6], 3)];
  const a = tf.variable(r([6, 2], 4), true, `a${seed}`);
  const b = tf.variable(r([2, 6], 5), true, `b${seed}`);
  const alpha = tf.variable(r([2], 6), true, `alpha${seed}`);
  const bias = tf.variable(r([12], 7), true, `bias${seed}`);
  const unused = tf.variable(r([3], 8), true, `unused${seed}`);
  const x = r([8, 6], 9);
  const loss = () =>
    tf.tidy(() => {
      const gates = tf.sigmoid(alpha);
      const g0 = tf.reshape(tf.slice(gates, [0], [1]), []);
      const g1 = tf.reshape(tf.slice(gates, [1], [1]), []);
      let h = tf.matMul(x, frozen[0]!); // frozen below the first module: no gradient flows here
      h = tf.tanh(h);
      const y = tf.matMul(h, frozen[1]!);
      const withBias = tf.add(y, tf.mul(g1, bias)); // [8, 12] + [12]
      const lora = tf.matMul(tf.matMul(h, a), b); // [8, 6]
      const u = tf.erf(withBias);
      const out = tf.add(tf.matMul(u, frozen[2]!), tf.mul(g0, lora));
      const scores = tf.softmax(tf.reshape(out, [4, 12]));
      return tf.mean(tf.square(tf.sub(scores, 0.1))) as tf.Scalar;
    });
  const vars = [a, b, alpha, bias, unused];
  return { loss, vars, dispose: () => tf.dispose([...frozen, ...vars, x]) };
}

describe("lowMemoryVariableGrads", () => {
  it("gives tf.variableGrads's value and gradients to the bit, and no entry for an unreached variable", () => {
    const net = makeNet(11);
    const ours = tf.tidy(() => {
      const { value, grads } = lowMemoryVariableGrads(net.loss, net.vars);
      return { value: value.dataSync()[0], grads: Object.fromEntries(Object.entries(grads).map(([k, g]) => [k, Array.from(g.dataSync())])) };
    });
    const theirs = tf.tidy(() => {
      const { value, grads } = tf.variableGrads(net.loss, net.vars);
      return {
        value: value.dataSync()[0],
        grads: Object.fromEntries(Object.entries(grads).filter(([, g]) => g !== null).map(([k, g]) => [k, Array.from(g.dataSync())])),
      };
    });
    net.dispose();
    expect(Object.keys(ours.grads).sort()).toEqual(["a11", "alpha11", "b11", "bias11"]);
    expect(ours).toEqual(theirs);
  });

  it("leaves no tensor behind but the value and the gradients", () => {
    const net = makeNet(12);
    const before = tf.memory().numTensors;
    const { value, grads } = lowMemoryVariableGrads(net.loss, net.vars);
    expect(tf.memory().numTensors).toBe(before + 1 + Object.keys(grads).length);
    tf.dispose([value, ...Object.values(grads)]);
    expect(tf.memory().numTensors).toBe(before);
    net.dispose();
  });

  it("holds less at its peak than the engine's backward pass on a deep frozen stack", () => {
    // 12 frozen layers with a trained bias on top of each: the engine keeps every saved input and
    // every intermediate gradient to the end; ours frees them as it goes.
    const w = Array.from({ length: 12 }, (_, i) => tf.randomNormal([64, 64], 0, 0.1, "float32", i));
    const biases = w.map((_, i) => tf.variable(tf.zeros([64]), true, `deep${i}`));
    const x = tf.randomNormal([256, 64], 0, 1, "float32", 99);
    const loss = () => {
      let h: tf.Tensor = x;
      for (let i = 0; i < w.length; i++) h = tf.tanh(tf.add(tf.matMul(h, w[i]!), biases[i]!));
      return tf.mean(tf.square(h)) as tf.Scalar;
    };
    const peakOf = (grads: () => { value: tf.Scalar; grads: tf.NamedTensorMap }) => {
      const engine = tf.engine() as unknown as { runKernelFunc: (p: unknown) => unknown; state: { numBytes: number } };
      const run = engine.runKernelFunc;
      let peak = 0;
      engine.runKernelFunc = function (p: unknown) {
        const out = run.call(engine, p);
        peak = Math.max(peak, engine.state.numBytes);
        return out;
      };
      try {
        tf.tidy(() => {
          grads();
        });
      } finally {
        engine.runKernelFunc = run;
      }
      return peak;
    };
    const ours = peakOf(() => lowMemoryVariableGrads(loss, biases));
    const theirs = peakOf(() => tf.variableGrads(loss, biases));
    tf.dispose([...w, ...biases, x]);
    expect(ours).toBeLessThan(theirs * 0.7);
  });
});
