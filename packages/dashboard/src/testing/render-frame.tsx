// Test helpers: the fixture state after its first n events, and the frame an element renders on a fake
// terminal of a given size (ink-testing-library's terminal is fixed at 100 columns), ANSI stripped.
import { EventEmitter } from "node:events";
import { stripVTControlCharacters } from "node:util";
import type { ReactElement } from "react";
import { render } from "ink";
import type { S3petEvent } from "@s3pet/core/events";
import { reduceRunState } from "../state/reduce-run-state.js";
import { initialRunState, type RunState } from "../state/run-state.js";
import { fixtureEvents } from "./fixture-events.js";

/** The state after a fixture's events up to and including the first one `until` accepts (all when omitted). */
export function fixtureState(until?: (event: S3petEvent) => boolean, path?: string): RunState {
  let state = initialRunState();
  for (const event of fixtureEvents(path)) {
    state = reduceRunState(state, event);
    if (until?.(event)) break;
  }
  return state;
}

/** Stops at the step event of `phase` number `step`. */
export const atStep = (phase: string, step: number) => (e: S3petEvent) => e.type === "step" && e.phase === phase && e.step === step;

// Not a TTY: ink would otherwise end with a cursor-restore escape after the last frame.
class FakeTerminal extends EventEmitter {
  last = "";
  constructor(
    public columns: number,
    public rows: number,
  ) {
    super();
  }
  write = (frame: string) => {
    this.last = frame;
    return true;
  };
}

export interface MountedFrame {
  /** The last frame drawn, ANSI stripped. */
  readonly frame: () => string;
  /** Resizes the terminal as a real one does: new columns and rows, then a "resize" event. */
  readonly resize: (columns: number, rows: number) => void;
  readonly unmount: () => void;
}

/** Mounts `element` on a fake terminal of `size` that can be resized (ink's debug mode: each write is a whole frame). */
export function mountFrame(element: ReactElement, size: { columns: number; rows: number }): MountedFrame {
  const terminal = new FakeTerminal(size.columns, size.rows);
  const instance = render(element, { stdout: terminal as unknown as NodeJS.WriteStream, debug: true, patchConsole: false });
  return {
    frame: () => stripVTControlCharacters(terminal.last),
    resize: (columns, rows) => {
      terminal.columns = columns;
      terminal.rows = rows;
      terminal.emit("resize");
    },
    unmount: () => {
      instance.unmount();
      instance.cleanup();
    },
  };
}

export function renderFrame(element: ReactElement, size: { columns: number; rows: number }): string {
  const mounted = mountFrame(element, size);
  const frame = mounted.frame(); // before unmount: with CI set, ink's unmount writes only the dynamic part
  mounted.unmount();
  return frame;
}

/**
 * The last frame ink drew, from ink-testing-library's `frames`. With CI set (the project's CI), ink's
 * unmount writes one more, blank "final frame", so an app that exited would otherwise read as empty.
 */
export function lastDrawnFrame(frames: readonly string[]): string {
  return strip(frames.findLast((f) => strip(f).trim() !== ""));
}

export const strip = (frame: string | undefined) => stripVTControlCharacters(frame ?? "");

/** Lets ink commit a render: updates show up only after a macrotask (docs/BACKEND.md "Toolchain" §3). */
export const nextFrame = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** Waits (macrotask by macrotask, at most ~3 s) until the ANSI-stripped frame passes `check`; returns it. */
export async function frameWhen(lastFrame: () => string | undefined, check: (frame: string) => boolean): Promise<string> {
  for (let i = 0; i < 300 && !check(strip(lastFrame())); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  return strip(lastFrame());
}
