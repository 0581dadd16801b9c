// `s3pet sweep <grid>`: a grid of runs (tasks x budgets x seeds x ...) run by N local processes, or
// enqueued for `s3pet worker`s with --queue; `s3pet sweep status <grid>` shows every run's state and
// `s3pet sweep report <grid>` the result table. docs/SWEEPS.md has the multi-machine setup.
import { existsSync, statSync } from "node:fs";
import { basename, extname, resolve } from "node:path";
import { Subject } from "rxjs";
import { choiceRunOption, intRunOption, S3petInputError, switchRunOption, textRunOption, type RunOption } from "@s3pet/core";
import { renderSweepDashboard, type SweepEvent } from "@s3pet/dashboard";
import {
  allEnded,
  enqueueGrid,
  followQueue,
  formatStates,
  parseQueueUrl,
  reachQueue,
  readGridFile,
  runDirOf,
  runLocally,
  stateFromRunsDir,
  sweepReport,
  watchGrid,
  type Grid,
  type PointState,
} from "@s3pet/sweep";
import { defineCommand, type CommandIo } from "../cli/command.js";
import { sweepFigures } from "../report/sweep-figures.js";
import { chooseUi } from "../reporters/choose-ui.js";
import { commandFlags, optionValue } from "../run-config/run-flags.js";
import { checkGridFlags } from "../run/check-grid-flags.js";
import { runDirEvents } from "../run/run-dir-events.js";

/** The CLI each run executes: this package's own entry point. */
export const CLI_BIN = new URL("../bin.js", import.meta.url).pathname;

const ACTIONS = ["status", "report"] as const;

/** The options of `s3pet sweep` and `s3pet worker`, in the run options' declaration format (docs/OPTIONS.md). */
export const SWEEP_OPTIONS = [
  textRunOption({ flag: "queue", commands: ["sweep", "worker"], valueName: "redis://host:port/name", default: null, doc: "the BullMQ queue on Redis: sweep enqueues the grid there instead of running it here, worker takes its jobs" }),
  textRunOption({ flag: "runs-dir", commands: ["sweep", "worker"], valueName: "dir", default: null, defaultText: "sweep: runs/<grid file name>; worker: required", doc: "where the runs go, the same for the sweep and every worker" }),
  intRunOption({ flag: "workers", commands: ["sweep"], default: 2, doc: "local runs at a time, without --queue" }),
  switchRunOption({ flag: "wait", commands: ["sweep"], doc: "with --queue: return when every job has ended (exit 0 when all succeeded)" }),
  switchRunOption({ flag: "follow", commands: ["sweep"], doc: "status with --queue and --ui plain: keep the table live until every job has ended" }),
  textRunOption({ flag: "figures", commands: ["sweep"], valueName: "dir", default: null, doc: "report: also write each task's accuracy-against-budget figure there, as <grid name>-<task>.svg" }),
  textRunOption({ flag: "compare", commands: ["sweep"], valueName: "axis", default: null, defaultText: "the first axis that is not seed or task", doc: "report: the axis whose values win/tie/loss compares" }),
  choiceRunOption({
    flag: "ui",
    commands: ["sweep"],
    values: ["tui", "plain"],
    default: null,
    defaultText: "tui on a terminal with --queue, plain otherwise",
    doc: "status: the live sweep dashboard (enter opens a running job's run dashboard) or the plain table",
  }),
] as const satisfies readonly RunOption<any>[];
export const [QUEUE, RUNS_DIR, WORKERS, WAIT, FOLLOW, FIGURES, COMPARE, UI] = SWEEP_OPTIONS;

export const sweep = defineCommand({
  name: "sweep",
  summary: "run a grid of runs (tasks x budgets x seeds x ...) locally or on a queue of workers; its status and report",
  description:
    "A grid file (JSON or YAML) is an object of run flags without --, plus \"command\": search|train (default search); " +
    "each list is an axis and the grid is the cross product. Each run goes to <runs-dir>/<id>, its id a hash of its flags, " +
    "so finished runs are never run again and a started one resumes. Without --queue, --workers processes run the grid here; " +
    "with --queue the jobs go to a BullMQ queue on Redis for `s3pet worker`s on any machine sharing the runs dir.",
  // `sweep <grid>`, `sweep status <grid>`, `sweep report <grid>`: one or two words.
  positionals: [{ name: "grid", description: "the grid file (.json, .yaml), after `status` or `report` for those", required: true, variadic: true }],
  options: commandFlags(SWEEP_OPTIONS, "sweep"),
  examples: [
    { command: "s3pet sweep grid.json --workers 2", description: "run the grid here, 2 runs at a time" },
    { command: "s3pet sweep grid.json --queue redis://10.0.0.5:6379/grid --runs-dir /shared/runs", description: "enqueue it for workers on other machines" },
    { command: "s3pet sweep status grid.json --queue redis://10.0.0.5:6379/grid --runs-dir /shared/runs", description: "every run's state live on a terminal; enter opens a running job's dashboard" },
    { command: "s3pet sweep status grid.json --queue redis://10.0.0.5:6379/grid --runs-dir /shared/runs --ui plain --follow", description: "the same as a table, redrawn on every change" },
    { command: "s3pet sweep report grid.json --runs-dir /shared/runs", description: "mean ± std over seeds and win/tie/loss" },
    { command: "s3pet sweep report grid.json --runs-dir /shared/runs --figures figures", description: "the same, plus each task's accuracy-against-budget figure as SVG" },
  ],
  async run({ values, positionals }, io) {
    if (positionals.length > 2) throw new S3petInputError(`unexpected argument '${positionals[2]}' (see s3pet sweep --help)`);
    const action = positionals.length > 1 ? positionals[0]! : undefined;
    if (action !== undefined && !(ACTIONS as readonly string[]).includes(action)) {
      throw new S3petInputError(`unknown action '${action}'; use s3pet sweep <grid>, s3pet sweep status <grid> or s3pet sweep report <grid>`);
    }
    const gridPath = positionals.at(-1)!;
    if ((ACTIONS as readonly string[]).includes(gridPath) && positionals.length === 1) throw new S3petInputError(`missing <grid> after '${gridPath}' (e.g. s3pet sweep ${gridPath} grid.json)`);
    const grid = readGridFile(gridPath, io.cwd);
    const runsDir = resolve(io.cwd, optionValue(RUNS_DIR, values) ?? `runs/${basename(gridPath, extname(gridPath))}`);
    const workers = optionValue(WORKERS, values)!;
    const queue = optionValue(QUEUE, values) ?? undefined;
    if (queue !== undefined) parseQueueUrl(queue);
    const compare = optionValue(COMPARE, values);
    const requestedUi = optionValue(UI, values);
    if (requestedUi !== null && action !== "status") throw new S3petInputError("--ui is for s3pet sweep status (the runs of a sweep log as JSON lines to <runs-dir>/<id>.log)");
    const ui = action === "status" ? statusUi(requestedUi, queue, io) : undefined;

    const figures = optionValue(FIGURES, values);
    if (figures !== null && action !== "report") throw new S3petInputError("--figures is for s3pet sweep report (e.g. s3pet sweep report grid.json --figures docs/figures)");
    if (figures !== null && existsSync(resolve(io.cwd, figures)) && !statSync(resolve(io.cwd, figures)).isDirectory()) {
      throw new S3petInputError(`--figures ${figures}: is a file; pass a directory for the figures (it is created when missing)`);
    }

    if (action === "report") {
      io.stdout.write(sweepReport(grid.points, { runsDir, ...(compare !== null && { compare }) }));
      if (figures !== null) {
        for (const file of await sweepFigures(grid.points, runsDir, resolve(io.cwd, figures), basename(gridPath, extname(gridPath)))) io.stderr.write(`wrote ${file}\n`);
      }
      return 0;
    }
    if (action === "status") {
      if (queue !== undefined) await reachQueue(queue);
      if (ui === "tui") return sweepDashboard(grid, gridPath, runsDir, queue!);
      return status(grid, runsDir, queue, optionValue(FOLLOW, values)!, io);
    }
    await checkGridFlags(grid, gridPath);
    // The queue last: every other input is checked without a network round trip.
    if (queue !== undefined) await reachQueue(queue);
    if (queue === undefined) {
      io.stderr.write(`sweep: ${grid.points.length} runs in ${runsDir}, ${workers} at a time\n`);
      const states = await runLocally(grid.points, { bin: CLI_BIN, runsDir, cwd: grid.cwd, workers, onState: (s) => io.stderr.write(`${stateLine(s)}\n`) });
      io.stdout.write(`${formatStates(states)}\n`);
      return states.every((s) => s.status === "done") ? 0 : 1;
    }
    const summary = await enqueueGrid(grid.points, { queue, runsDir, cwd: grid.cwd });
    io.stdout.write(`sweep: ${grid.points.length} runs: ${summary.added.length} enqueued, ${summary.finished.length} finished already, ${summary.queued.length} already queued\n`);
    if (!optionValue(WAIT, values)) return 0;
    const states = await watchGrid(grid.points, { queue, runsDir, onStates: () => undefined, until: allEnded, onQueue: queueNote(queue, io) });
    io.stdout.write(`${formatStates(states)}\n`);
    return states.every((s) => s.status === "done") ? 0 : 1;
  },
});

/**
 * How `sweep status` shows the grid: the dashboard follows the queue's events, so it needs --queue and
 * a terminal (the default there); the table otherwise.
 */
function statusUi(requested: "tui" | "plain" | null, queue: string | undefined, io: CommandIo): "tui" | "plain" {
  const ui = chooseUi(requested ?? undefined, io.stdout, io.env);
  if (ui !== "tui" || queue !== undefined) return ui === "tui" ? "tui" : "plain";
  if (requested === "tui") throw new S3petInputError("the sweep dashboard follows a queue: add --queue redis://host:port/name, or use --ui plain");
  return "plain";
}

/**
 * The live sweep view on this terminal: the grid's runs at once, then every state change the queue
 * reports, adapted into the dashboard's plain SweepEvents; enter opens a job's run (its run directory,
 * followed) in the run dashboard. Returns when the user leaves it (q); the sweep goes on.
 */
async function sweepDashboard(grid: Grid, gridPath: string, runsDir: string, queue: string): Promise<number> {
  const events$ = new Subject<SweepEvent>();
  const view = renderSweepDashboard(events$, {
    title: `${basename(gridPath)} · ${queue}`,
    openRun: (id) => runDirEvents(runDirOf(runsDir, grid.points.find((p) => p.id === id)!), { follow: true }),
  });
  events$.next({ type: "jobs", jobs: grid.points.map((p) => ({ id: p.id, axes: p.axes })) });
  const follower = followQueue(grid.points, {
    queue,
    runsDir,
    onState: (s) => events$.next(jobEvent(s)),
    onQueue: (error) => events$.next({ type: "queue", error: error && error.message }),
  });
  try {
    await view.exited;
  } finally {
    await follower.close();
  }
  return 0;
}

const jobEvent = (s: PointState): SweepEvent => ({
  type: "job",
  id: s.point.id,
  status: s.status,
  ...(s.progress && { progress: s.progress }),
  ...(s.test !== undefined && { test: s.test }),
  ...(s.error !== undefined && { error: s.error }),
});

async function status(grid: Grid, runsDir: string, queue: string | undefined, follow: boolean, io: CommandIo): Promise<number> {
  if (queue === undefined) {
    io.stdout.write(`${formatStates(grid.points.map((p) => stateFromRunsDir(runsDir, p)))}\n`);
    return 0;
  }
  let shown = "";
  await watchGrid(grid.points, {
    queue,
    runsDir,
    // Following waits for a lost queue to come back; a one-off read fails instead of waiting.
    ...(follow && { onQueue: queueNote(queue, io) }),
    onStates: (states) => {
      const table = formatStates(states);
      if (table === shown) return;
      shown = table;
      // Live on a terminal: redraw in place; piped: one table per change.
      io.stdout.write(io.stdout.isTTY && follow ? `\x1b[H\x1b[2J${table}\n` : `${table}\n\n`);
    },
    until: (states) => !follow || allEnded(states),
  });
  return 0;
}

/** One stderr line when the queue is lost and one when it is back: the table or the wait goes on. */
function queueNote(queue: string, io: CommandIo): (error: Error | null) => void {
  return (error) =>
    io.stderr.write(error ? `sweep: cannot reach the queue ${queue} (${error.message}); waiting for it to come back\n` : `sweep: the queue ${queue} is back\n`);
}

function stateLine(s: PointState): string {
  const where = Object.entries(s.point.axes).map(([k, v]) => `${k} ${v}`).join(", ");
  const what = s.status === "done" ? `done, test ${s.test?.toFixed(4)}` : s.status === "failed" ? `failed: ${s.error}` : s.progress ? `${s.progress.phase}` : s.status;
  return `${s.point.id} (${where}): ${what}`;
}
