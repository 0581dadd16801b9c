// `s3pet sweep <grid>`: a grid of runs (tasks x budgets x seeds x ...) run by N local processes, or
// enqueued for `s3pet worker`s with --queue; `s3pet sweep status <grid>` shows every run's state and
// `s3pet sweep report <grid>` the result table. docs/SWEEPS.md has the multi-machine setup.
import { basename, extname, resolve } from "node:path";
import { Subject } from "rxjs";
import { S3petInputError } from "@s3pet/core";
import { renderSweepDashboard, type SweepEvent } from "@s3pet/dashboard";
import {
  allEnded,
  enqueueGrid,
  followQueue,
  formatStates,
  parseQueueUrl,
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
import { chooseUi } from "../reporters/choose-ui.js";
import { runDirEvents } from "../run/run-dir-events.js";

/** The CLI each run executes: this package's own entry point. */
export const CLI_BIN = new URL("../bin.js", import.meta.url).pathname;

const ACTIONS = ["status", "report"] as const;

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
  options: {
    queue: { type: "string", valueName: "redis://host:port/name", description: "enqueue on this BullMQ queue instead of running here" },
    "runs-dir": { type: "string", valueName: "dir", description: "where the runs go, shared by every worker (default: runs/<grid file name>)" },
    workers: { type: "string", valueName: "n", description: "local runs at a time, without --queue (default: 2)" },
    wait: { type: "boolean", description: "with --queue: return when every job has ended (exit 0 when all succeeded)" },
    follow: { type: "boolean", description: "status with --queue and --ui plain: keep the table live until every job has ended" },
    ui: {
      type: "string",
      valueName: "tui|plain",
      description: "status: the live sweep dashboard (default on a terminal with --queue; enter opens a running job's run dashboard) or the plain table",
    },
    compare: { type: "string", valueName: "axis", description: "report: the axis whose values win/tie/loss compares (default: the first that is not seed or task)" },
  },
  examples: [
    { command: "s3pet sweep grid.json --workers 2", description: "run the grid here, 2 runs at a time" },
    { command: "s3pet sweep grid.json --queue redis://10.0.0.5:6379/grid --runs-dir /shared/runs", description: "enqueue it for workers on other machines" },
    { command: "s3pet sweep status grid.json --queue redis://10.0.0.5:6379/grid --runs-dir /shared/runs", description: "every run's state live on a terminal; enter opens a running job's dashboard" },
    { command: "s3pet sweep status grid.json --queue redis://10.0.0.5:6379/grid --runs-dir /shared/runs --ui plain --follow", description: "the same as a table, redrawn on every change" },
    { command: "s3pet sweep report grid.json --runs-dir /shared/runs", description: "mean ± std over seeds and win/tie/loss" },
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
    const runsDir = resolve(io.cwd, values["runs-dir"] ?? `runs/${basename(gridPath, extname(gridPath))}`);
    const workers = values.workers === undefined ? 2 : Number(values.workers);
    if (!Number.isInteger(workers) || workers < 1) throw new S3petInputError(`--workers must be a whole number of at least 1, got '${values.workers}'`);
    const queue = values.queue;
    if (queue !== undefined) parseQueueUrl(queue);
    if (values.ui !== undefined && action !== "status") throw new S3petInputError("--ui is for s3pet sweep status (runs of a sweep always log as JSON lines to <runs-dir>/<id>.log)");
    const ui = action === "status" ? statusUi(values.ui, queue, io) : undefined;

    if (action === "report") {
      io.stdout.write(sweepReport(grid.points, { runsDir, ...(values.compare !== undefined && { compare: values.compare }) }));
      return 0;
    }
    if (action === "status") {
      if (ui === "tui") return sweepDashboard(grid, gridPath, runsDir, queue!);
      return status(grid, runsDir, queue, values.follow, io);
    }
    if (queue === undefined) {
      io.stderr.write(`sweep: ${grid.points.length} runs in ${runsDir}, ${workers} at a time\n`);
      const states = await runLocally(grid.points, { bin: CLI_BIN, runsDir, cwd: grid.cwd, workers, onState: (s) => io.stderr.write(`${stateLine(s)}\n`) });
      io.stdout.write(`${formatStates(states)}\n`);
      return states.every((s) => s.status === "done") ? 0 : 1;
    }
    const summary = await enqueueGrid(grid.points, { queue, runsDir, cwd: grid.cwd });
    io.stdout.write(`sweep: ${grid.points.length} runs: ${summary.added.length} enqueued, ${summary.finished.length} finished already, ${summary.queued.length} already queued\n`);
    if (!values.wait) return 0;
    const states = await watchGrid(grid.points, { queue, runsDir, onStates: () => undefined, until: allEnded });
    io.stdout.write(`${formatStates(states)}\n`);
    return states.every((s) => s.status === "done") ? 0 : 1;
  },
});

/**
 * How `sweep status` shows the grid: the dashboard follows the queue's events, so it needs --queue and
 * a terminal (the default there); the table otherwise.
 */
function statusUi(requested: string | undefined, queue: string | undefined, io: CommandIo): "tui" | "plain" {
  if (requested !== undefined && requested !== "tui" && requested !== "plain") throw new S3petInputError(`--ui must be tui or plain for sweep status, got '${requested}'`);
  const ui = chooseUi(requested, io.stdout, io.env);
  if (ui !== "tui" || queue !== undefined) return ui as "tui" | "plain";
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
  const follower = followQueue(grid.points, { queue, runsDir, onState: (s) => events$.next(jobEvent(s)) });
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

function stateLine(s: PointState): string {
  const where = Object.entries(s.point.axes).map(([k, v]) => `${k} ${v}`).join(", ");
  const what = s.status === "done" ? `done, test ${s.test?.toFixed(4)}` : s.status === "failed" ? `failed: ${s.error}` : s.progress ? `${s.progress.phase}` : s.status;
  return `${s.point.id} (${where}): ${what}`;
}
