// chooseUi: which reporter shows a run. `--ui` wins, except that the dashboard needs a terminal: without
// a TTY on stdout (a pipe, a log file, CI) ink would write cursor escapes into it, so `tui` becomes
// `plain` there. No flag means the dashboard on a terminal and plain lines elsewhere.
import { S3petInputError } from "@s3pet/core";

export const UI_MODES = ["tui", "plain", "json"] as const;
export type UiMode = (typeof UI_MODES)[number];

export function chooseUi(requested: string | undefined, stdout: { readonly isTTY?: boolean }, env: Readonly<Record<string, string | undefined>> = {}): UiMode {
  if (requested !== undefined && !(UI_MODES as readonly string[]).includes(requested)) {
    throw new S3petInputError(`--ui must be one of ${UI_MODES.join(", ")}, got '${requested}'`);
  }
  const terminal = stdout.isTTY === true && env.TERM !== "dumb";
  const mode = (requested ?? "tui") as UiMode;
  return mode === "tui" && !terminal ? "plain" : mode;
}
