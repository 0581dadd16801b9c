// reportPlain: progress as plain lines for logs and pipes (`--ui plain`, or stdout not a terminal).
// It folds the events with the dashboard's reducer, so elapsed time and ETA are the dashboard's. Each
// log-worthy event is the dashboard's one-line description (describeEvent); steps print at every tenth
// of a phase, at its last step and at least every `stepIntervalMs` of run time; the budget prints after
// each validation of the search. Every line starts with the run's elapsed time on the event clock.
import type { Observable, Subscription } from "rxjs";
import type { S3petEvent, StepEvent } from "@s3pet/core";
import {
  currentPhase,
  describeEvent,
  formatCount,
  formatDuration,
  initialRunState,
  phaseEtaMs,
  reduceRunState,
  type RunState,
} from "@s3pet/dashboard";

export interface PlainReporterOptions {
  /** Print a step line at least this often (ms of run time) while steps arrive. @default 15000 */
  readonly stepIntervalMs?: number;
}

export function reportPlain(events$: Observable<S3petEvent>, write: (line: string) => void, options: PlainReporterOptions = {}): Subscription {
  const interval = options.stepIntervalMs ?? 15_000;
  let state = initialRunState();
  let lastStepLine = -Infinity;
  let lastTenth = -1;
  const print = (text: string) => write(`${formatDuration((state.lastTime ?? 0) - (state.startTime ?? state.lastTime ?? 0)).padStart(7)}  ${text}`);

  return events$.subscribe((event) => {
    state = reduceRunState(state, event);
    switch (event.type) {
      case "step": {
        const tenth = Math.floor((10 * event.step) / Math.max(1, event.totalSteps));
        if (tenth > lastTenth || event.step === event.totalSteps || event.time - lastStepLine >= interval) {
          lastTenth = tenth;
          lastStepLine = event.time;
          print(describeStep(event, state));
        }
        return;
      }
      case "phase":
        lastTenth = -1;
        break;
    }
    const line = describeEvent(event);
    if (line !== null) print(line.text);
    // The search's budget next to each of its validation scores: the soft count should sit on B.
    const { budget } = state;
    if (event.type === "eval" && event.phase === "search" && event.split === "validation" && budget !== null) {
      print(`budget ${formatCount(budget.budget)} · soft Σn·p ${formatCount(budget.soft)} · shift ${budget.shift.toFixed(3)} (step ${budget.step})`);
    }
  });
}

function describeStep(e: StepEvent, state: RunState): string {
  const phase = currentPhase(state);
  const eta = phase === null ? null : phaseEtaMs(phase);
  const pct = Math.floor((100 * e.step) / Math.max(1, e.totalSteps));
  const alpha = e.alphaLoss === undefined ? "" : ` · α-loss ${e.alphaLoss.toFixed(4)}`;
  const left = eta === null || e.step >= e.totalSteps ? "" : ` · ETA ${formatDuration(eta)}`;
  return `${e.phase} ${e.step}/${e.totalSteps} (${pct}%) · loss ${e.loss.toFixed(4)}${alpha} · lr ${e.lr.toExponential(1)} · ${formatCount(e.tokensPerSecond)} tok/s${left}`;
}
