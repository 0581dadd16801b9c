// lowMemoryVariableGrads: tf.variableGrads with the same tape, forward and gradient functions, but a
// backward pass that frees memory as it goes. tfjs 4.22's engine keeps, until the whole backward pass
// ends, every tensor saved for backward and the gradient of every intermediate tensor; with a frozen
// backbone that is about twice the activations of the step, and at bert-base size more than the wasm
// heap holds. Here a node's saved tensors are released once its gradient is taken, the gradient of a
// node's outputs once they have been passed down, and the saved tensors of nodes that do not lead from
// a trained variable to the loss (frozen layers below the lowest module) right after the forward pass.
// The arithmetic (and so every number) is the engine's own: same nodes, same order, same sums.
import * as tf from "@tensorflow/tfjs";

/** The engine internals this needs (tfjs-core 4.22 `Engine`; not in its public typings). */
interface TapeNode {
  readonly id: number;
  readonly kernelName: string;
  readonly inputs: Record<string, tf.Tensor>;
  readonly outputs: tf.Tensor[];
  saved?: tf.Tensor[];
  gradient?: (dys: (tf.Tensor | null)[]) => Record<string, () => tf.Tensor>;
}

interface EngineInternals {
  readonly state: { activeTape: TapeNode[] | null; gradientDepth: number };
  scopedRun<T>(start: () => void, end: () => void, f: () => T): T;
  startTape(): void;
  endTape(): void;
  tidy<T extends tf.TensorContainer>(nameOrFn: string | (() => T), fn?: () => T): T;
  addTapeNode(
    kernelName: string,
    inputs: Record<string, tf.Tensor>,
    outputs: tf.Tensor[],
    gradientsFunc: unknown,
    saved: tf.Tensor[],
    attrs: unknown,
  ): void;
}

/**
 * d f / d vars (the trainable ones) and f's value, like tf.variableGrads; a variable f does not reach
 * gets no entry. Call inside tf.tidy.
 */
export function lowMemoryVariableGrads(f: () => tf.Scalar, vars: readonly tf.Variable[]): { value: tf.Scalar; grads: tf.NamedTensorMap } {
  const xs = vars.filter((v) => v.trainable);
  if (xs.length === 0) throw new Error("lowMemoryVariableGrads: no trainable variable was given");
  const engine = tf.engine() as unknown as EngineInternals;
  if (engine.state.gradientDepth !== 0) return tf.variableGrads(f, [...xs]); // nested: the engine must keep its tape

  const y = forwardOnTape(engine, f, xs);
  const tape = engine.state.activeTape ?? [];
  engine.state.activeTape = null;
  const path = nodesToY(tape, y);
  const onPath = new Set(path.map((n) => n.id));
  for (const node of tape) if (!onPath.has(node.id)) releaseSaved(node); // computed, but the loss does not use it

  return engine.tidy("backward", () => {
    const gradOf = new Map<number, tf.Tensor>([[y.id, tf.onesLike(y)]]);
    const keep = new Set(xs.map((x) => x.id));
    for (let i = path.length - 1; i >= 0; i--) {
      const node = path[i]!;
      if (node.gradient === undefined) throw new Error(`Cannot compute gradient: gradient function not found for ${node.kernelName}.`);
      const dys = node.outputs.map((o) => gradOf.get(o.id) ?? null);
      const names = Object.keys(node.inputs);
      // One tidy around the gradient function and its thunks: some (Sum's) build tensors eagerly.
      const dxs = engine.tidy(() => {
        const inputGradients = node.gradient!(dys);
        return names.map((name) => {
          const gradFn = inputGradients[name];
          if (gradFn === undefined) throw new Error(`Cannot backprop through input ${name} of ${node.kernelName}.`);
          const dx = gradFn();
          return node.saved?.includes(dx) || dys.includes(dx) ? tf.clone(dx) : dx; // both are released below
        });
      });
      names.forEach((name, j) => {
        const x = node.inputs[name]!;
        const dx = dxs[j]!;
        if (dx.dtype !== "float32" || !tf.util.arraysEqual(dx.shape, x.shape)) {
          throw new Error(`Error in gradient for op ${node.kernelName}: input '${name}' got a ${dx.dtype} [${dx.shape}] gradient for a [${x.shape}] input`);
        }
        const current = gradOf.get(x.id);
        if (current === undefined) {
          gradOf.set(x.id, dx);
        } else {
          gradOf.set(x.id, tf.add(current, dx));
          current.dispose();
          dx.dispose();
        }
      });
      releaseSaved(node);
      // Each tensor is the output of one node: once that node is done its gradient is not needed again.
      for (const o of node.outputs) {
        const dy = gradOf.get(o.id);
        if (dy === undefined || keep.has(o.id)) continue;
        gradOf.delete(o.id);
        dy.dispose();
      }
    }
    const grads: tf.NamedTensorMap = {};
    for (const x of xs) {
      const g = gradOf.get(x.id);
      if (g !== undefined) grads[x.name] = g;
    }
    if (Object.keys(grads).length === 0) {
      // tf.variableGrads's wording, which callers recognise.
      throw new Error("Cannot find a connection between any variable and the result of the loss function y=f(x).");
    }
    return { value: y, grads };
  });
}

/**
 * Runs f with the tape on, recording only nodes that depend on one of `xs` (inputs pruned to those),
 * and releasing at once what their gradients will not read: a layer's work is freed when it ends.
 */
function forwardOnTape(engine: EngineInternals, f: () => tf.Scalar, xs: readonly tf.Tensor[]): tf.Scalar {
  const fromX = new Set(xs.map((x) => x.id));
  const record = engine.addTapeNode;
  engine.addTapeNode = function (kernelName, inputs, outputs, gradientsFunc, saved, attrs) {
    const tracked = Object.entries(inputs).filter(([, t]) => fromX.has(t.id));
    if (tracked.length === 0) {
      for (const t of saved) t.dispose(); // constant with respect to xs: no gradient flows here
      return;
    }
    for (const o of outputs) fromX.add(o.id);
    releaseUnread(kernelName, Object.fromEntries(tracked), saved);
    record.call(engine, kernelName, inputs, outputs, gradientsFunc, saved, attrs);
    const node = engine.state.activeTape!.at(-1)!;
    (node as { inputs: Record<string, tf.Tensor> }).inputs = Object.fromEntries(tracked);
  };
  try {
    return engine.scopedRun(
      () => engine.startTape(),
      () => engine.endTape(),
      () => engine.tidy("forward", f),
    );
  } finally {
    engine.addTapeNode = record;
  }
}

/** The recorded nodes that lead to `y`, in tape order. */
function nodesToY(tape: readonly TapeNode[], y: tf.Tensor): TapeNode[] {
  const toY = new Set([y.id]);
  const keep = new Set<number>();
  for (let i = tape.length - 1; i >= 0; i--) {
    const node = tape[i]!;
    if (!node.outputs.some((o) => toY.has(o.id))) continue;
    for (const t of Object.values(node.inputs)) toY.add(t.id);
    keep.add(node.id);
  }
  return tape.filter((n) => keep.has(n.id));
}

function releaseSaved(node: TapeNode): void {
  for (const t of node.saved ?? []) if (t instanceof tf.Tensor) t.dispose();
  if (node.saved) node.saved.length = 0;
}

/**
 * For the saved tensors (in the kernel's inputsToSave, then outputsToSave order) of tfjs 4.22's
 * gradients: the inputs whose gradient reads the tensor's values. Every other use reads only its
 * shape (Add keeps both inputs just to know how to un-broadcast). Kernels not listed keep everything.
 */
const VALUES_READ_BY: Readonly<Record<string, readonly (readonly string[])[]>> = {
  Add: [[], []],
  Sub: [[], []],
  Reshape: [[]],
  Mean: [[]],
  Sum: [[]],
  Slice: [[]],
  Multiply: [["b"], ["a"]],
  RealDiv: [["b"], ["a", "b"]],
  BatchMatMul: [["b"], ["a"]],
};

/** What a gradient function still sees of a released saved tensor. */
interface ShapeOnly {
  readonly shape: number[];
  readonly rank: number;
  readonly size: number;
  readonly dtype: tf.DataType;
}

/**
 * Releases the saved tensors of a node whose values only the gradients of untracked inputs would
 * read (a frozen weight's gradient needs the activation, the activation's gradient does not), leaving
 * their shape. With frozen weights this is most of what a step would keep.
 */
function releaseUnread(kernelName: string, tracked: Record<string, tf.Tensor>, saved: tf.Tensor[]): void {
  const readers = VALUES_READ_BY[kernelName];
  if (readers === undefined || saved.length !== readers.length) return;
  saved.forEach((t, i) => {
    if (readers[i]!.some((input) => input in tracked)) return;
    const shapeOnly: ShapeOnly = { shape: [...t.shape], rank: t.rank, size: t.size, dtype: t.dtype };
    t.dispose();
    saved[i] = shapeOnly as unknown as tf.Tensor;
  });
}

