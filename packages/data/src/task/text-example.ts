// A task's example after reading and label mapping: text (and optional pair) with a numeric label.

export interface TextExample {
  readonly text: string;
  /** Second segment for sentence-pair tasks (MRPC, RTE, ...), else null. */
  readonly textPair: string | null;
  /** Class id (classification) or target value (regression). */
  readonly label: number;
}
