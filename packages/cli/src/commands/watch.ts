// `s3pet watch <run-dir>`: the dashboard on a run from its events.jsonl: a live run started by another
// process (followed until run-end), or a finished one (replayed, paced by --speed). Same panels and the
// same reducer as the in-process dashboard; `q` detaches and leaves the run alone.
import { existsSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { S3petInputError } from "@s3pet/core";
import { eventsFromFile } from "@s3pet/dashboard";
import { defineCommand } from "../cli/command.js";
import { chooseUi, UI_MODES } from "../reporters/choose-ui.js";
import { createReporter } from "../reporters/create-reporter.js";

const EVENTS_FILE = "events.jsonl";

export const watch = defineCommand({
  name: "watch",
  summary: "show a running or finished run in the dashboard",
  description:
    `Reads <run-dir>/${EVENTS_FILE}. A live run is followed until it ends; a finished one is replayed, ` +
    "at once or --speed times faster than it ran. Keys: q detaches (the run goes on), tab switches panels on small terminals.",
  positionals: [{ name: "run-dir", description: `a run directory (or its ${EVENTS_FILE})`, required: true }],
  options: {
    speed: { type: "string", valueName: "N", description: "replay N times faster than the run went (default: show the recorded events at once)" },
    "no-follow": { type: "boolean", description: "stop at the end of the file instead of waiting for the run to end" },
    ui: { type: "string", valueName: UI_MODES.join("|"), description: "dashboard, plain progress lines, or the events as JSON lines (default: tui on a terminal, plain otherwise)" },
  },
  examples: [
    { command: "s3pet watch runs/search-20260101-120000", description: "attach to a run another process is running" },
    { command: "s3pet watch runs/search-20260101-120000 --speed 20", description: "replay a finished run 20x faster than it ran" },
    { command: "s3pet watch runs/search-20260101-120000 --no-follow --ui plain", description: "print what has happened so far as plain lines" },
  ],
  async run({ values, positionals }, io) {
    const eventsPath = eventsFileOf(resolve(io.cwd, positionals[0]!), !values["no-follow"]);
    const speed = parseSpeed(values.speed);
    const ui = chooseUi(values.ui, io.stdout, io.env);
    const events$ = eventsFromFile(eventsPath, { follow: !values["no-follow"], ...(speed === undefined ? {} : { speed }) });
    const reporter = createReporter(ui, events$, { stdout: io.stdout, quitAction: "detach" });
    await reporter.done;
  },
});

/** The events file of a run directory (or the file itself); it may not exist yet only when following. */
function eventsFileOf(path: string, follow: boolean): string {
  if (!existsSync(path)) throw new S3petInputError(`run directory '${path}' does not exist (pass a directory made by s3pet search or train, e.g. runs/search-…)`);
  const file = statSync(path).isDirectory() ? join(path, EVENTS_FILE) : path;
  if (!follow && !existsSync(file)) throw new S3petInputError(`'${file}' does not exist yet (the run has not started: drop --no-follow to wait for it)`);
  return file;
}

function parseSpeed(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const speed = Number(text);
  if (!(speed > 0) || !Number.isFinite(speed)) throw new S3petInputError(`--speed must be a positive number, got '${text}' (e.g. --speed 20)`);
  return speed;
}
