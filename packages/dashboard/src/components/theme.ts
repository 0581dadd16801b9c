// The dashboard's colours in one place. Named colours degrade well on 16-colour terminals; the gate
// shading uses a viridis-like ramp (dark = p near 0, bright = p near 1), as in the paper's heatmaps.
import type { RunStateStatus } from "../state/run-state.js";
import type { LogLevel } from "../format/describe-event.js";

export const theme = {
  accent: "cyan",
  border: "gray",
  title: "cyanBright",
  muted: "gray",
  good: "green",
  warn: "yellow",
  bad: "red",
  value: "whiteBright",
} as const;

const METHOD_COLORS = ["magentaBright", "cyanBright", "yellowBright", "greenBright", "blueBright", "redBright"] as const;

/** Colour of a method by its index in the run's method list (stable within a run; core names no method). */
export function methodColor(methods: readonly string[], method: string): string {
  const i = methods.indexOf(method);
  return METHOD_COLORS[(i < 0 ? methods.length : i) % METHOD_COLORS.length]!;
}

export const STATUS_COLOR: Readonly<Record<RunStateStatus, string>> = {
  starting: "gray",
  searching: "cyan",
  discretizing: "blue",
  retraining: "magenta",
  training: "magenta",
  testing: "yellow",
  done: "green",
  stopped: "yellow",
  failed: "red",
};

export const LEVEL_COLOR: Readonly<Record<LogLevel, string>> = {
  info: "white",
  good: "green",
  warn: "yellow",
  error: "red",
};

/** Gate shading: characters (readable without colour, e.g. in `tmux capture-pane`) and colours. */
export const GATE_SHADES = ["·", "░", "▒", "▓", "█"] as const;
export const GATE_COLORS = ["#46327e", "#365c8d", "#277f8e", "#4ac16d", "#fde725"] as const;

/** Index into the ramps for p in [0, 1]: five equal bins. */
export function gateLevel(p: number): number {
  return Math.min(GATE_SHADES.length - 1, Math.max(0, Math.floor(p * GATE_SHADES.length)));
}
