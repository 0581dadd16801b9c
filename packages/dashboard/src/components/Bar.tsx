// Bar: a horizontal progress bar `━━━━━━╸──────` for fractions (clamped to [0, 1]).
import { Text } from "ink";
import { theme } from "./theme.js";

export interface BarProps {
  readonly fraction: number;
  readonly width: number;
  readonly color?: string;
}

export function Bar({ fraction, width, color = theme.accent }: BarProps) {
  const f = Number.isFinite(fraction) ? Math.min(1, Math.max(0, fraction)) : 0;
  const halves = Math.round(f * width * 2);
  const full = Math.floor(halves / 2);
  const half = halves % 2 === 1 ? "╸" : "";
  const rest = Math.max(0, width - full - half.length);
  return (
    <Text>
      <Text color={color}>{"━".repeat(full) + half}</Text>
      <Text color={theme.muted}>{"─".repeat(rest)}</Text>
    </Text>
  );
}
