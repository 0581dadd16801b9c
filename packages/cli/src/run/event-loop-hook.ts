// A SearchHook that lets the event loop run after every training step. The engine's step loop only
// awaits promises that settle as microtasks, so without a macrotask turn signals (Ctrl-C), timers (the
// dashboard's throttled frames) and ETA clocks would wait for the whole run. setImmediate costs
// microseconds per step.
import type { SearchHook } from "@s3pet/core";

export const eventLoopHook: SearchHook = {
  name: "cli:event-loop",
  onStep: () => new Promise<void>((resolve) => setImmediate(resolve)),
};
