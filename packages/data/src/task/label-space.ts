// LabelSpace: class names <-> ids in a stable order. Built-in tasks fix the order (GLUE's label lists);
// otherwise labels seen in train are sorted (numerically when all are integers, else by code point), so
// the same data always gives the same ids whatever its row order. Saved with the run (toJSON).
import { S3petInputError } from "@s3pet/core";

export class LabelSpace {
  private readonly ids: ReadonlyMap<string, number>;

  private constructor(readonly names: readonly string[]) {
    this.ids = new Map(names.map((n, i) => [n, i]));
  }

  /** A fixed order; `input` names where it came from, for the error. */
  static of(names: readonly string[], input = "labels"): LabelSpace {
    if (names.length < 2) throw new S3petInputError(`${input}: a classification task needs at least 2 labels, got ${JSON.stringify(names)}`);
    const dup = names.find((n, i) => names.indexOf(n) !== i);
    if (dup !== undefined) throw new S3petInputError(`${input}: label '${dup}' is listed twice; list each label once`);
    return new LabelSpace([...names]);
  }

  /** The distinct values in their stable order (may hold fewer than 2; the task checks that). */
  static infer(values: Iterable<string>): LabelSpace {
    const distinct = [...new Set(values)];
    const integers = distinct.every((v) => /^-?\d+$/.test(v));
    distinct.sort(integers ? (a, b) => Number(a) - Number(b) : (a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return new LabelSpace(distinct);
  }

  get size(): number {
    return this.names.length;
  }

  /** The id of `name`, or undefined when it is not a label of this space. */
  id(name: string): number | undefined {
    return this.ids.get(name);
  }

  name(id: number): string {
    const n = this.names[id];
    if (n === undefined) throw new RangeError(`label id ${id} outside [0, ${this.size})`);
    return n;
  }

  toJSON(): string[] {
    return [...this.names];
  }
}
