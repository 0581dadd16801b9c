// The one Ctrl-C policy of long commands: the first SIGINT (or SIGTERM) asks the run to stop
// after its next checkpoint; a second one exits at once with 130. Checkpoints are atomic, so exiting at
// once loses at most the steps since the last one.

/** Exit code of a run stopped by Ctrl-C (it can be resumed). */
export const EXIT_STOPPED = 130;

export function installInterruptHandler(stop: () => void, notify: (message: string) => void): () => void {
  let interrupts = 0;
  const onSignal = () => {
    interrupts++;
    if (interrupts === 1) {
      notify("stopping after the current step and a checkpoint (Ctrl-C again to exit at once)");
      stop();
    } else {
      process.exit(EXIT_STOPPED);
    }
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  return () => {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  };
}
