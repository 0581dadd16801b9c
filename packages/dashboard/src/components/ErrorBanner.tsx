// ErrorBanner: one line in place for what the user must see now: a fatal error, or that a stop was
// requested and the run is finishing its step and writing a checkpoint.
import { Text } from "ink";
import { theme } from "./theme.js";

export interface ErrorBannerProps {
  readonly fatalError: string | null;
  readonly stopping: boolean;
  readonly width: number;
}

export function ErrorBanner({ fatalError, stopping, width }: ErrorBannerProps) {
  if (fatalError !== null) {
    return (
      <Text color={theme.bad} bold wrap="truncate-end">
        {`✖ ${fatalError}`.slice(0, Math.max(0, width))}
      </Text>
    );
  }
  if (stopping) {
    return (
      <Text color={theme.warn} wrap="truncate-end">
        ■ stopping: finishing the current step and writing a checkpoint…
      </Text>
    );
  }
  return null;
}
