// reduceRunState: the one pure (state, event) => state of the dashboard, one case per event type and
// an exhaustive `never` check, so a new event type in core fails the build until it is handled here.
// The same reducer consumes a live events$ and a replayed events.jsonl (docs/ARCHITECTURE.md, convention §12).
import type { PhaseName, S3petEvent } from "@s3pet/core/events";
import { LOSS_HISTORY_LENGTH, type PhaseProgress, type RunState, type RunStateStatus } from "./run-state.js";

const STATUS_OF_PHASE: Readonly<Record<PhaseName, RunStateStatus>> = {
  search: "searching",
  discretize: "discretizing",
  retrain: "retraining",
  train: "training",
  test: "testing",
  pretrain: "training",
};

export function reduceRunState(previous: RunState, event: S3petEvent): RunState {
  const state: RunState = { ...previous, lastTime: Math.max(previous.lastTime ?? event.time, event.time) };
  switch (event.type) {
    case "run-start":
      // A resumed run appends to the same events.jsonl: keep the history, take the new run info.
      return withLog(
        {
          ...state,
          status: state.phases.length > 0 ? state.status : "starting",
          run: event.run,
          candidates: event.candidates,
          resumed: event.resumed,
          startTime: state.startTime ?? event.time,
          end: null,
          fatalError: null,
        },
        event,
      );
    case "phase":
      return withLog(startPhase(state, event.phase, event.totalSteps, event.time), event);
    case "step": {
      const started = currentPhaseIs(state, event.phase) ? state : startPhase(state, event.phase, event.totalSteps, event.time);
      const phases = started.phases.map((p, i) =>
        i === started.phases.length - 1
          ? {
              ...p,
              step: event.step,
              totalSteps: event.totalSteps,
              anchorStep: p.anchorStep ?? event.step - 1,
              lastStepTime: event.time,
              tokensPerSecond: event.tokensPerSecond,
              lr: event.lr,
            }
          : p,
      );
      return {
        ...started,
        phases,
        loss: pushCapped(started.loss, event.loss),
        alphaLoss: event.alphaLoss === undefined ? started.alphaLoss : pushCapped(started.alphaLoss, event.alphaLoss),
      };
    }
    case "gates":
      return { ...state, gates: { step: event.step, p: event.p, alpha: event.alpha } };
    case "budget":
      return { ...state, budget: { step: event.step, budget: event.budget, soft: event.soft, shift: event.shift } };
    case "eval": {
      const { phase, step, split, metric, score, loss, best } = event;
      return withLog({ ...state, evals: [...state.evals, { phase, step, split, metric, score, loss, best }] }, event);
    }
    case "checkpoint":
      return withLog({ ...state, lastCheckpoint: { phase: event.phase, step: event.step, path: event.path } }, event);
    case "structure":
      return withLog({ ...state, structure: { modules: event.structure, budget: event.budget, chosenParams: event.chosenParams } }, event);
    case "run-end": {
      const { type: _type, ...end } = event;
      return withLog({ ...state, status: event.status, end, phases: endCurrentPhase(state.phases, event.time) }, event);
    }
    case "error":
      return withLog(
        event.fatal
          ? { ...state, status: "failed", fatalError: event.message, errorCount: state.errorCount + 1 }
          : { ...state, errorCount: state.errorCount + 1 },
        event,
      );
    case "log":
      return withLog(event.level === "warn" ? { ...state, warnCount: state.warnCount + 1 } : state, event);
    default: {
      const unknown: never = event;
      // A plugin event (S3petPluginEvents) this build does not know: shown generically in the log.
      return withLog(state, unknown);
    }
  }
}

function currentPhaseIs(state: RunState, phase: PhaseName): boolean {
  const last = state.phases.at(-1);
  return last !== undefined && last.phase === phase && last.endTime === null;
}

/** Starts `phase`, or re-anchors it when it is already the current one (a resumed run repeats it). */
function startPhase(state: RunState, phase: PhaseName, totalSteps: number, time: number): RunState {
  if (currentPhaseIs(state, phase)) {
    const phases = state.phases.map((p, i) =>
      i === state.phases.length - 1 ? { ...p, totalSteps, anchorTime: time, anchorStep: null } : p,
    );
    return { ...state, phases, status: STATUS_OF_PHASE[phase] };
  }
  const started: PhaseProgress = {
    phase,
    totalSteps,
    step: 0,
    startTime: time,
    endTime: null,
    anchorTime: time,
    anchorStep: null,
    lastStepTime: null,
    tokensPerSecond: null,
    lr: null,
  };
  // Loss curves belong to one training phase (the re-trained modules start from scratch); phases without
  // steps (discretize, test) keep the last curve on screen.
  const trains = totalSteps > 0;
  return {
    ...state,
    status: STATUS_OF_PHASE[phase],
    phases: [...endCurrentPhase(state.phases, time), started],
    loss: trains ? [] : state.loss,
    alphaLoss: trains ? [] : state.alphaLoss,
  };
}

function endCurrentPhase(phases: readonly PhaseProgress[], time: number): readonly PhaseProgress[] {
  const last = phases.at(-1);
  return last === undefined || last.endTime !== null ? phases : [...phases.slice(0, -1), { ...last, endTime: time }];
}

function pushCapped(values: readonly number[], value: number): readonly number[] {
  return values.length < LOSS_HISTORY_LENGTH ? [...values, value] : [...values.slice(1), value];
}

function withLog(state: RunState, event: S3petEvent): RunState {
  return { ...state, log: [...state.log, { id: state.log.length, event }] };
}
