// Panel: a rounded box with its title set into the top border (`╭─ Loss ───╮`), the frame every panel uses.
import type { ReactNode } from "react";
import { Box, Text } from "ink";
import { theme } from "./theme.js";

export interface PanelProps {
  readonly title: string;
  /** Outer width in columns, borders included. */
  readonly width: number;
  /** Outer height in rows, borders included; grows with the content when omitted. */
  readonly height?: number;
  readonly children: ReactNode;
}

export function Panel({ title, width, height, children }: PanelProps) {
  const label = ` ${title} `.slice(0, Math.max(0, width - 4));
  return (
    <Box flexDirection="column" width={width} height={height} flexShrink={0}>
      <Text color={theme.border}>
        {"╭─"}
        <Text bold color={theme.title}>
          {label}
        </Text>
        {"─".repeat(Math.max(0, width - 3 - label.length))}
        {"╮"}
      </Text>
      {/* Content taller than a fixed height is clipped, never drawn over the panel below. */}
      <Box borderStyle="round" borderTop={false} borderColor={theme.border} flexDirection="column" paddingX={1} width={width} flexGrow={1} overflow="hidden">
        {children}
      </Box>
    </Box>
  );
}
