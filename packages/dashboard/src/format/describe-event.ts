// describeEvent: the one human line for an event that belongs in a log (the dashboard's EventLog and the
// CLI's plain reporter both print these). Steps, gates and budget updates are progress, not log lines: null.
import type { S3petEvent } from "@s3pet/core/events";
import { formatCount } from "./format-count.js";
import { formatDuration } from "./format-duration.js";
import { formatScore } from "./format-score.js";

export type LogLevel = "info" | "good" | "warn" | "error";

export interface EventLine {
  readonly level: LogLevel;
  readonly text: string;
}

export function describeEvent(event: S3petEvent): EventLine | null {
  switch (event.type) {
    case "run-start": {
      const { run, candidates } = event;
      // A search's candidates are its space; a train run's are the modules of its fixed structure.
      const noun = run.command === "search" ? "candidates" : "modules";
      const space = candidates.length > 0 ? `${candidates.length} ${noun} (${run.methods.join(", ")}), ` : "";
      const budget =
        run.budget !== null ? `budget ${formatCount(run.budget)} params` : run.methods.length > 0 ? "fixed structure, no budget" : "full fine-tuning";
      return { level: "info", text: `${run.command} ${run.name} ${event.resumed ? "resumed" : "started"}: ${space}${budget}` };
    }
    case "phase":
      return { level: "info", text: `phase ${event.phase}${event.totalSteps > 0 ? ` · ${formatCount(event.totalSteps)} steps` : ""}` };
    case "eval":
      return {
        level: event.best ? "good" : "info",
        text: `${event.phase} step ${event.step} · ${event.split} ${event.metric} ${formatScore(event.score)} (loss ${event.loss.toFixed(4)})${event.best ? " ★ best" : ""}`,
      };
    case "checkpoint":
      return { level: "info", text: `checkpoint ${event.phase} step ${event.step} → ${event.path}` };
    case "structure":
      return {
        level: "good",
        text: `structure: ${event.structure.length} modules, ${formatCount(event.chosenParams)} / ${formatCount(event.budget)} params`,
      };
    case "run-end": {
      const test = event.scores?.retrained?.test ?? event.scores?.supernet?.test;
      const score = test === undefined ? "" : ` · test ${formatScore(test)}`;
      return { level: event.status === "done" ? "good" : event.status === "stopped" ? "warn" : "error", text: `run ${event.status} in ${formatDuration(event.elapsedMs)}${score}` };
    }
    case "error":
      return { level: "error", text: `${event.fatal ? "fatal error" : "error"}: ${event.message}` };
    case "log":
      return { level: event.level === "warn" ? "warn" : "info", text: `${event.source === undefined ? "" : `[${event.source}] `}${event.message}` };
    case "step":
    case "gates":
    case "budget":
      return null;
    default: {
      // A plugin event unknown to this build (docs/ARCHITECTURE.md, convention §11): its type and payload, generically.
      const unknown: never = event;
      const { type, time: _time, ...payload } = unknown as { type: string; time: number };
      return { level: "info", text: `${type} ${JSON.stringify(payload)}` };
    }
  }
}
