// `s3pet watch <run-dir>`: the dashboard on a run from its events.jsonl: a live run started by another
// process (followed until run-end), or a finished one (replayed, paced by --speed). Same panels and the
// same reducer as the in-process dashboard; `q` detaches and leaves the run alone.
import { existsSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { tap } from "rxjs";
import { readRunLock, RUN_FILES, S3petInputError, type S3petEvent } from "@s3pet/core";
import { defineCommand } from "../cli/command.js";
import { chooseUi, UI_MODES } from "../reporters/choose-ui.js";
import { createReporter } from "../reporters/create-reporter.js";
import { runDirEvents } from "../run/run-dir-events.js";

const EVENTS_FILE = RUN_FILES.events;

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
    const follow = !values["no-follow"];
    const { runDir, eventsPath } = eventsFileOf(resolve(io.cwd, positionals[0]!), follow);
    const speed = parseSpeed(values.speed);
    const ui = chooseUi(values.ui, io.stdout, io.env);
    // Followed while a process holds the run's lock; a run whose writer is gone (killed) is shown up to
    // where it stopped instead of being waited for forever.
    const lockAtStart = readRunLock(runDir);
    if (follow && ui !== "tui" && lockAtStart.state === "live") {
      const h = lockAtStart.holder;
      io.stderr.write(`live: s3pet ${h.command} (pid ${h.pid} on ${h.host}) is writing ${runDir}\n`);
    }
    let lastStep: { phase: string; step: number; totalSteps: number } | null = null;
    let ended = false;
    let completed = false; // the file was read to its end (not: the user detached with q)
    const events$ = runDirEvents(runDir, { follow, eventsPath, ...(speed === undefined ? {} : { speed }) }).pipe(
      tap({
        next: (e: S3petEvent) => {
          if (e.type === "step") lastStep = { phase: e.phase, step: e.step, totalSteps: e.totalSteps };
          if (e.type === "run-end") ended = true;
        },
        complete: () => (completed = true),
      }),
    );
    const reporter = createReporter(ui, events$, { stdout: io.stdout, quitAction: "detach" });
    await reporter.done;
    if (follow && completed && !ended) {
      const step = lastStep as { phase: string; step: number; totalSteps: number } | null;
      const at = step === null ? "before its first step" : `at ${step.phase} step ${step.step}/${step.totalSteps}`;
      io.stderr.write(`stopped ${at}: no process is writing ${runDir} (killed?); continue it with --out ${runDir} --resume\n`);
    }
  },
});

/**
 * The run directory and its events file (the argument may be either). A directory that is not a run
 * (no run.json, no events, no writer) fails at once; only when following may the events not exist yet.
 */
function eventsFileOf(path: string, follow: boolean): { runDir: string; eventsPath: string } {
  if (!existsSync(path)) throw new S3petInputError(`run directory '${path}' does not exist (pass a directory made by s3pet search or train, e.g. runs/search-…)`);
  const isDir = statSync(path).isDirectory();
  const runDir = isDir ? path : dirname(path);
  const eventsPath = isDir ? join(path, EVENTS_FILE) : path;
  const isRun = existsSync(eventsPath) || existsSync(join(runDir, RUN_FILES.run)) || readRunLock(runDir).state === "live";
  if (!isRun) throw new S3petInputError(`'${path}' is not a run directory (no ${RUN_FILES.run} or ${EVENTS_FILE}); pass a directory made by s3pet search or train, e.g. runs/search-…`);
  if (!follow && !existsSync(eventsPath)) throw new S3petInputError(`'${eventsPath}' does not exist yet (the run has not started: drop --no-follow to wait for it)`);
  return { runDir, eventsPath };
}

function parseSpeed(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const speed = Number(text);
  if (!(speed > 0) || !Number.isFinite(speed)) throw new S3petInputError(`--speed must be a positive number, got '${text}' (e.g. --speed 20)`);
  return speed;
}
