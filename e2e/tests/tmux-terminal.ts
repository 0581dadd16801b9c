// A real terminal for the dashboard e2e tests: the built CLI in a tmux session of a given size, whose
// pane is captured as a user would see it. CI sets CI=true, which makes ink print only the final frame,
// so the CLI runs with CI and CONTINUOUS_INTEGRATION unset (docs/BACKEND.md "Toolchain" §3). Each test
// file uses its own tmux server.
import { execFileSync } from "node:child_process";
import { BIN } from "./s3pet-process.js";

const quote = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;

export function tmuxTerminal(label: string) {
  const socket = `s3pet-e2e-${label}-${process.pid}`;
  const tmux = (...args: string[]) => execFileSync("tmux", ["-L", socket, ...args], { encoding: "utf8" });
  const capture = (session: string) => tmux("capture-pane", "-p", "-t", session);
  return {
    tmux,
    startServer: () => tmux("start-server", ";", "set-option", "-g", "remain-on-exit", "on"),
    killServer: () => {
      try {
        tmux("kill-server");
      } catch {
        // already gone
      }
    },
    /**
     * Starts `argv` (the CLI's arguments) in a new session of `columns` x `rows`; the pane stays after it
     * exits. The exit status is printed where a shell's prompt would go (no newline after it), so the
     * screen at the end is what a user sees when the command returns.
     */
    start(session: string, argv: readonly string[], columns = 120, rows = 40) {
      const command = ["env", "-u", "CI", "-u", "CONTINUOUS_INTEGRATION", "TERM=xterm-256color", "node", BIN, ...argv].map(quote).join(" ");
      tmux("new-session", "-d", "-s", session, "-x", String(columns), "-y", String(rows), `${command}; printf '[exit %s]' $?; sleep 600`);
    },
    capture,
    /** The pane with its scrollback, wrapped lines joined (a line longer than the terminal stays one line). */
    captureAll: (session: string) =>
      tmux("capture-pane", "-p", "-J", "-S", "-500", "-t", session)
        .split("\n")
        .map((l) => l.trimEnd()),
    /** Captures the pane until `check` passes (every 100 ms, at most `timeoutMs`); returns that capture. */
    async captureWhen(session: string, check: (screen: string) => boolean, timeoutMs: number): Promise<string> {
      const until = Date.now() + timeoutMs;
      let screen = capture(session);
      while (!check(screen) && Date.now() < until) {
        await new Promise((r) => setTimeout(r, 100));
        screen = capture(session);
      }
      return screen;
    },
    /** Types keys (tmux key names: Down, Enter, Escape, Tab, q). */
    keys: (session: string, ...keys: string[]) => void tmux("send-keys", "-t", session, ...keys),
  };
}
