// KeyHints: the keys that work right now: q (stop the run when in-process, detach when watching, back
// to the list when opened from the sweep view) and, on small terminals where panels take turns, tab
// with the name of the panel shown.
import { Text } from "ink";
import { theme } from "./theme.js";

export type QuitAction = "stop" | "detach" | "back";

const QUIT_LABEL: Readonly<Record<QuitAction, string>> = { stop: " stop the run (checkpoint first)", detach: " detach", back: " back to the sweep" };

export interface KeyHintsProps {
  readonly quitAction: QuitAction;
  /** Panel names when panels take turns (small terminals), with the index shown; null when all fit. */
  readonly panels: { readonly names: readonly string[]; readonly shown: number } | null;
  /** False when stdin is not a terminal: keys cannot be read, so none are offered. */
  readonly interactive: boolean;
  readonly finished: boolean;
}

export function KeyHints({ quitAction, panels, interactive, finished }: KeyHintsProps) {
  if (!interactive) {
    return (
      <Text color={theme.muted} wrap="truncate-end">
        {finished ? "" : "(keys unavailable: stdin is not a terminal)"}
      </Text>
    );
  }
  return (
    <Text wrap="truncate-end">
      <Key name="q" />
      <Text color={theme.muted}>{finished && quitAction !== "back" ? " exit" : QUIT_LABEL[quitAction]}</Text>
      {panels === null ? null : (
        <Text>
          <Text color={theme.muted}>{"  ·  "}</Text>
          <Key name="tab" />
          <Text color={theme.muted}> next panel: </Text>
          {panels.names.map((n, i) => (
            <Text key={n} color={i === panels.shown ? theme.accent : theme.muted} bold={i === panels.shown}>
              {i > 0 ? " " : ""}
              {i === panels.shown ? `[${n}]` : n}
            </Text>
          ))}
        </Text>
      )}
    </Text>
  );
}

/** A key as the hint lines show it: ` q ` in reverse video. */
export function Key({ name }: { name: string }) {
  return (
    <Text inverse bold>
      {` ${name} `}
    </Text>
  );
}
