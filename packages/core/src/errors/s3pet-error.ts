// Typed errors whose message is one line naming the input and the fix (docs/ARCHITECTURE.md, convention §15).
// The CLI turns S3petInputError (and subclasses) into exit code 2; model and engine code never print.

/** Bad user input: a flag, a file, an option, a dataset row. Message: one line, names input and fix. */
export class S3petInputError extends Error {
  override readonly name: string = "S3petInputError";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** An impossible or inconsistent parameter budget. */
export class BudgetError extends S3petInputError {
  override readonly name = "BudgetError";
}

/** A plugin that cannot be found, loaded or registered. */
export class PluginError extends S3petInputError {
  override readonly name = "PluginError";
}

/** A checkpoint, safetensors file or run directory that is missing, corrupt or mismatched. */
export class CheckpointError extends S3petInputError {
  override readonly name = "CheckpointError";
}
