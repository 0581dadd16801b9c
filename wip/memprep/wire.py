import shutil
shutil.copy('/tmp/memprep/default-workers.ts','packages/core/src/run/default-workers.ts')
def edit(p, pairs):
    s=open(p).read()
    for a,b in pairs:
        assert a in s, (p,a)
        s=s.replace(a,b,1)
    open(p,'w').write(s)
edit('packages/core/src/run/engine-deps.ts', [
 ('import type { TaskSplits } from "../task/task.js";','import type { TaskSplits } from "../task/task.js";\nimport type { WorkersFit } from "./default-workers.js";'),
 ('  /** Recorded in run.json:','  /** Caps the default worker count: whether that many units (each with its shard of the batch) fit\n   *  in memory (the caller\'s memory plan); absent: every core. */\n  readonly workersFit?: WorkersFit;\n  /** Recorded in run.json:'),
])
edit('packages/core/src/run/start-run.ts', [
 ('resolveWorkers(given.workers, deps.workerRecipe !== undefined)','resolveWorkers(given.workers, deps.workerRecipe !== undefined, deps.workersFit)'),
])
edit('packages/core/src/index.ts', [
 ('export { defaultWorkers, resolveWorkers } from "./run/default-workers.js";','export { defaultWorkers, resolveWorkers, type WorkersFit } from "./run/default-workers.js";'),
])
edit('packages/cli/src/run/execute-run.ts', [
 ('import { checkMemoryPlan } from "./run-memory-plan.js";','import { checkMemoryPlan, perWorkerShape, workersFit, type RunShape } from "./run-memory-plan.js";'),
 ('''  const backend = prepared.backend.name;
  if (structure === null) {
    checkMemoryPlan(prepared.backbone, backend, { ...shape, candidates: checkSearchSpace(options, prepared), gated: true, full: false }, "this search");
  } else {
    const resolved = checkStructure(structure, options, prepared);
    if (resolved !== null) checkMemoryPlan(prepared.backbone, backend, { ...shape, candidates: resolved.candidates, gated: false, full: resolved.full }, "this training run");
  }
  const deps: EngineDeps = { ...prepared.deps, outDir: options.outDir, hooks: [taskNotesHook(prepared.taskData.notes)] };''',
 '''  const backend = prepared.backend.name;
  let planned: RunShape | null = null;
  if (structure === null) {
    planned = { ...shape, candidates: checkSearchSpace(options, prepared), gated: true, full: false };
  } else {
    const resolved = checkStructure(structure, options, prepared);
    if (resolved !== null) planned = { ...shape, candidates: resolved.candidates, gated: false, full: resolved.full };
  }
  // Given --workers: each unit is planned at its shard of the batch; the default count is capped by the plan.
  if (planned !== null) checkMemoryPlan(prepared.backbone, backend, perWorkerShape(planned, options.engine.workers ?? 1), structure === null ? "this search" : "this training run");
  const deps: EngineDeps = {
    ...prepared.deps,
    outDir: options.outDir,
    hooks: [taskNotesHook(prepared.taskData.notes)],
    ...(planned !== null ? { workersFit: workersFit(prepared.backbone, backend, planned) } : {}),
  };'''),
])
