// TitleBar: the first line of a screen: the ` S3PET ` badge and a title (truncated when the terminal is
// narrow), and a muted note kept whole on the right (the run's clock, the sweep's counts).
import type { ReactNode } from "react";
import { Box, Text } from "ink";
import { theme } from "./theme.js";

export interface TitleBarProps {
  readonly width: number;
  /** On the right, never truncated; none when null. */
  readonly note: string | null;
  readonly children: ReactNode;
}

export function TitleBar({ width, note, children }: TitleBarProps) {
  return (
    <Box width={width}>
      <Box flexGrow={1} flexShrink={1}>
        <Text wrap="truncate-end">
          <Text bold inverse color={theme.accent}>
            {" S3PET "}
          </Text>{" "}
          {children}
        </Text>
      </Box>
      {note === null ? null : (
        <Box flexShrink={0} marginLeft={1}>
          <Text color={theme.muted}>{note}</Text>
        </Box>
      )}
    </Box>
  );
}
