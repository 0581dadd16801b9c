// Runs `search` or `train` end to end for the CLI: prepare (every input checked), start the engine,
// show progress (dashboard, plain lines or JSON events), save cli.json once the run directory exists,
// stop gracefully on Ctrl-C, then print the summary table or results.json.
import { basename } from "node:path";
import { filter, take } from "rxjs";
import {
  parseBudget,
  resolveStructure,
  runSearch,
  runTrain,
  SearchSpace,
  type Candidate,
  type EngineDeps,
  type ResolvedStructure,
  type RunHandle,
  type RunResult,
  type StructureSpec,
} from "@s3pet/core";
import { SPLIT_NAMES, type TaskData } from "@s3pet/data";
import type { CommandIo } from "../cli/command.js";
import { chooseUi } from "../reporters/choose-ui.js";
import { createReporter } from "../reporters/create-reporter.js";
import type { RunOptions } from "../run-config/resolve-run-options.js";
import { declaredDefault } from "../run-config/run-flags.js";
import { writeSavedRunOptions, type SavedTask } from "../run-config/saved-run-options.js";
import { EXIT_STOPPED, installInterruptHandler } from "./interrupt-handler.js";
import { taskNotesHook } from "./task-notes-hook.js";
import { prepareRun, type PreparedRun } from "./prepare-run.js";
import { checkMemoryPlan, unitsFit, type RunShape } from "./run-memory-plan.js";
import { structureFromAdapter, structureFromFlag } from "./structure-from-flag.js";
import { formatRunSummary } from "./format-run-summary.js";

/**
 * The search space and budget checks of the engine, run before the engine starts, so an impossible budget
 * or a bad method option is one line and exit 2 with no run directory and no progress output.
 */
function checkSearchSpace(options: RunOptions, prepared: PreparedRun): readonly Candidate[] {
  const { include = [], exclude = [], methodOptions = {}, budget, countHead } = options.engine;
  const space = SearchSpace.build(prepared.backbone.sites, prepared.methods, { include, exclude, methodOptions });
  // With --count-head the engine subtracts the head first; it checks that case itself.
  if (budget !== undefined && budget !== null && !countHead) space.checkBudget(parseBudget(budget, prepared.backbone.params).params, prepared.backbone.params);
  return space.candidates;
}

/** The engine's resolution of a fixed structure on this backbone, run first for the same reason. */
function checkStructure(spec: StructureSpec, options: RunOptions, prepared: PreparedRun): ResolvedStructure | null {
  const { include = [], exclude = [], methodOptions = {}, budget, countHead, seed = 0 } = options.engine;
  const moduleBudget = budget !== undefined && budget !== null && !countHead ? parseBudget(budget, prepared.backbone.params).params : null;
  if (spec.kind === "random" && moduleBudget === null) return null; // --count-head: the engine subtracts the head first
  return resolveStructure(spec, prepared.backbone.sites, prepared.methods, { seed, include, exclude, methodOptions }, moduleBudget);
}

function savedTask(task: TaskData): SavedTask {
  return {
    name: task.name,
    kind: task.kind,
    metric: task.metric.name,
    labels: task.labelSpace?.toJSON() ?? null,
    sources: task.sources,
    sizes: Object.fromEntries(SPLIT_NAMES.map((s) => [s, task.splits[s].length])),
    notes: task.notes,
  };
}


export async function executeRun(options: RunOptions, io: CommandIo): Promise<number> {
  // --json keeps stdout for results.json: progress goes to stderr, as plain lines rather than the dashboard.
  const requested = options.json && (options.ui ?? "tui") === "tui" ? "plain" : options.ui;
  const ui = chooseUi(requested, io.stdout, io.env);
  const prepared = await prepareRun(options);
  const structure =
    options.command !== "train"
      ? null
      : options.initAdapter
        ? structureFromAdapter(options.initAdapter, prepared.backbone.sites, prepared.methods)
        : structureFromFlag(options.structure!, prepared.methods);
  const shape = {
    batchSize: options.engine.batchSize ?? declaredDefault<number>("batch-size"),
    length: options.maxLength,
    numLabels: prepared.task.objective.numLabels,
  };
  const backend = prepared.backend.name;
  let planned: RunShape | null = null;
  if (structure === null) {
    planned = { ...shape, candidates: checkSearchSpace(options, prepared), gated: true, secondOrder: options.engine.order === "second", full: false };
  } else {
    const resolved = checkStructure(structure, options, prepared);
    if (resolved !== null) planned = { ...shape, candidates: resolved.candidates, gated: false, full: resolved.full };
  }
  // Each unit is planned at its micro-batch: the plan picks the default worker count and the "auto"
  // micro-batch (the engine asks the same unitsFit), and refuses only what no micro-batch makes fit.
  if (planned !== null) {
    const requested = { workers: options.engine.workers ?? null, microBatchSize: options.engine.microBatchSize ?? "auto" };
    checkMemoryPlan(prepared.backbone, backend, planned, requested, structure === null ? "this search" : "this training run");
  }
  const deps: EngineDeps = {
    ...prepared.deps,
    outDir: options.outDir,
    hooks: [taskNotesHook(prepared.taskData.notes)],
    ...(planned !== null ? { unitsFit: unitsFit(prepared.backbone, backend, planned) } : {}),
  };
  const config = { ...options.engine, name: basename(options.outDir) };
  const handle: RunHandle =
    options.command === "search"
      ? runSearch(config, deps)
      : runTrain({ ...config, structure: structure! }, deps);

  const reporter = createReporter(ui, handle.events$, {
    stdout: options.json ? io.stderr : io.stdout,
    quitAction: "stop",
    onQuit: () => handle.stop(),
  });
  const saveOptions = handle.events$
    .pipe(filter((e) => e.type === "run-start"), take(1))
    .subscribe(() => writeSavedRunOptions(options.outDir, { command: options.command, flags: options.flags, task: savedTask(prepared.taskData) }));
  const uninstall = installInterruptHandler(() => handle.stop(), (message) => io.stderr.write(`${message}\n`));

  let result: RunResult;
  try {
    result = await handle.result;
    await reporter.done;
  } finally {
    uninstall();
    saveOptions.unsubscribe();
    reporter.close();
  }

  if (result.status === "stopped" || result.results === null) {
    io.stderr.write(`stopped; continue with: s3pet ${options.command} --out ${options.outDir} --resume\n`);
    return EXIT_STOPPED;
  }
  if (options.json) io.stdout.write(`${JSON.stringify(result.results, null, 2)}\n`);
  else {
    const columns = (io.stdout as { columns?: number; isTTY?: boolean }).isTTY ? (io.stdout as { columns?: number }).columns : undefined;
    io.stdout.write(`\n${formatRunSummary(result.results, { numLayers: prepared.backbone.numLayers, outDir: options.outDir, ...(columns ? { columns } : {}) })}\n`);
  }
  return 0;
}
