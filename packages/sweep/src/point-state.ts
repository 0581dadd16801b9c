// PointState: where one run of a grid stands, the row of `s3pet sweep status` (from the queue when
// there is one, else from the runs directory), and the failure record the report reads.
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { writeJsonAtomic } from "@s3pet/core";
import type { GridPoint } from "./expand-grid.js";
import { readPointResults, runDirOf } from "./run-point.js";

export type PointStatus = "waiting" | "running" | "done" | "failed";

export interface PointProgress {
  readonly phase: string;
  readonly step: number;
  readonly totalSteps: number;
}

export interface PointState {
  readonly point: GridPoint;
  readonly status: PointStatus;
  readonly progress?: PointProgress;
  /** Re-trained test score of a finished run. */
  readonly test?: number;
  readonly error?: string;
}

const failureFile = (runsDir: string, point: GridPoint) => `${runDirOf(runsDir, point)}.failed.json`;

/** Records a run's final failure (its one-line error) next to its run directory. */
export function recordFailure(runsDir: string, point: GridPoint, error: string): void {
  writeJsonAtomic(failureFile(runsDir, point), { id: point.id, error });
}

export function clearFailure(runsDir: string, point: GridPoint): void {
  rmSync(failureFile(runsDir, point), { force: true });
}

/** A point's state as the runs directory tells it: done, failed (recorded), running/started, waiting. */
export function stateFromRunsDir(runsDir: string, point: GridPoint): PointState {
  const results = readPointResults(runsDir, point);
  if (results) return { point, status: "done", test: results.retrained.test };
  if (existsSync(failureFile(runsDir, point))) {
    return { point, status: "failed", error: (JSON.parse(readFileSync(failureFile(runsDir, point), "utf8")) as { error: string }).error };
  }
  const started = existsSync(join(runDirOf(runsDir, point), "run.json"));
  return { point, status: started ? "running" : "waiting" };
}

/** The progress worth showing from one run event (phase and step), else undefined. */
export function progressOf(event: { type: string; phase?: string; step?: number; totalSteps?: number }): PointProgress | undefined {
  if ((event.type === "step" || event.type === "phase") && event.phase !== undefined && event.totalSteps !== undefined) {
    return { phase: event.phase, step: event.step ?? 0, totalSteps: event.totalSteps };
  }
  return undefined;
}
