// Phase timing derived in render: the step rate since the phase (re)started and the time left.
import type { PhaseProgress, RunState } from "./run-state.js";

/** Milliseconds per step, measured from the phase's anchor (so a resumed phase is not slowed by the gap). */
export function msPerStep(phase: PhaseProgress): number | null {
  if (phase.anchorStep === null || phase.lastStepTime === null) return null;
  const steps = phase.step - phase.anchorStep;
  return steps > 0 ? (phase.lastStepTime - phase.anchorTime) / steps : null;
}

/** Time left in the phase at the current rate, or null when it cannot be known yet. */
export function phaseEtaMs(phase: PhaseProgress): number | null {
  const rate = msPerStep(phase);
  return rate === null || phase.endTime !== null ? null : Math.max(0, phase.totalSteps - phase.step) * rate;
}

/** Elapsed run time on the event clock: run-end's elapsedMs once ended, else latest event - start. */
export function elapsedMs(state: RunState): number | null {
  if (state.end !== null) return state.end.elapsedMs;
  return state.startTime === null || state.lastTime === null ? null : state.lastTime - state.startTime;
}
