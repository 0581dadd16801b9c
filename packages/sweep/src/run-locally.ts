// runLocally(): a grid on this machine, N runs at a time, through the same runPoint() a queue worker
// uses, so a laptop user needs no Redis and gets the same runs directory and report.
import type { GridPoint } from "./expand-grid.js";
import { clearFailure, progressOf, recordFailure, type PointState } from "./point-state.js";
import { PointFailedError, runPoint } from "./run-point.js";

export interface RunLocallyOptions {
  readonly bin: string;
  readonly runsDir: string;
  readonly cwd: string;
  readonly workers: number;
  /** Called on every change of a run's state. */
  readonly onState?: (state: PointState) => void;
}

/** Runs every point not finished yet; resolves with each point's final state, in grid order. */
export async function runLocally(points: readonly GridPoint[], options: RunLocallyOptions): Promise<PointState[]> {
  const states = new Map<string, PointState>();
  const queue = [...points];
  const worker = async () => {
    for (let point = queue.shift(); point; point = queue.shift()) {
      const state = await runOne(point, options);
      states.set(point.id, state);
      options.onState?.(state);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.workers) }, worker));
  return points.map((p) => states.get(p.id)!);
}

async function runOne(point: GridPoint, options: RunLocallyOptions): Promise<PointState> {
  clearFailure(options.runsDir, point);
  let last = "";
  try {
    const { results } = await runPoint(point, {
      ...options,
      onEvent: (event) => {
        const progress = progressOf(event);
        if (progress && progress.phase !== last) {
          last = progress.phase;
          options.onState?.({ point, status: "running", progress });
        }
      },
    });
    return { point, status: "done", test: results.retrained.test };
  } catch (error) {
    const message = error instanceof PointFailedError ? error.message : String(error);
    recordFailure(options.runsDir, point, message);
    return { point, status: "failed", error: message };
  }
}
